import type { Command } from 'commander'
import { monitorUntil, monitorWithRecovery, stopWith } from '../../monitor/run-monitor.js'
import { selectApps } from '../../platform/platform.js'
import { deliverBeforeExit } from '../../recovery/incident-command.js'
import { actorOf, globals } from '../global-options.js'
import { printJson } from '../output.js'
import { printEvent } from '../render-event.js'
import { withPlatform } from '../with-platform.js'
import { stopOnSignal } from '../stop-signal.js'

export async function monitorAction(names: string[], opts: { once: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const startedBy = actorOf(g)
  return withPlatform(g, async (p) => {
    const monitor = monitorWithRecovery(p, selectApps(p.config, names), { startedBy })
    const events: unknown[] = []
    monitor.bus.subscribe((e) => (opts.once && g.json ? events.push(e) : printEvent(e, g.json)))
    // Listening before start: a signal at any moment (resuming a run, rolling back) stops it cleanly.
    const { signal, dispose } = stopOnSignal()
    try {
      if (opts.once) {
        stopWith(monitor, signal)
        await monitor.start({ schedule: false })
        if (!signal.aborted) await monitor.runOnce()
        await monitor.stop()
        await deliverBeforeExit(p)
        if (g.json) {
          const triggers = monitor.apps.flatMap((a) =>
            a.triggers.map((t) => ({
              app: a.name,
              trigger: t.name,
              kind: t.kind,
              action: t.action,
              ...monitor.triggerState(a.name, t.name),
            })),
          )
          printJson({ events, triggers })
        }
        return 0
      }
      await monitorUntil(monitor, signal)
    } finally {
      dispose()
    }
    return 0
  })
}
