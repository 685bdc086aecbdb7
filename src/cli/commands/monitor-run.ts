import type { Command } from 'commander'
import { monitorUntil, monitorWithRecovery } from '../../monitor/run-monitor.js'
import { monitorOnceOperation } from '../../operations/monitor.js'
import { selectApps } from '../../platform/platform.js'
import { actorOf, globals, serverOf } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson } from '../output.js'
import { printEvent } from '../render-event.js'
import { followServerMonitor } from '../remote-monitor.js'
import { withPlatform } from '../with-platform.js'
import { untilStopped } from '../stop-signal.js'

export async function monitorAction(names: string[], opts: { once: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  if (opts.once) {
    // Events as they happen when the round runs here; through the server, once it has ended.
    let told = false
    const { result, exitCode } = await invoke(
      g,
      monitorOnceOperation,
      { app: names.length > 0 ? names : ['all'] },
      g.json
        ? {}
        : {
            progress: (e) => {
              told = true
              printEvent(e, false)
            },
          },
    )
    if (g.json) printJson(result)
    else if (!told) for (const e of result.events) printEvent(e, false)
    return exitCode
  }
  const server = serverOf(g)
  // lastgood serve runs the monitor itself: here one follows it.
  if (server) return untilStopped((stop) => followServerMonitor(server, names, (e) => printEvent(e, g.json), stop)).then(() => 0)
  const startedBy = actorOf(g)
  return withPlatform(g, async (p) => {
    const monitor = monitorWithRecovery(p, selectApps(p.config, names), { startedBy })
    monitor.bus.subscribe((e) => printEvent(e, g.json))
    // Listening before start: a signal at any moment (resuming a run, rolling back) stops it cleanly.
    await untilStopped((signal) => monitorUntil(monitor, signal))
    return 0
  })
}
