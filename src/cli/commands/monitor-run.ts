import type { Command } from 'commander'
import { Monitor, MONITOR_ACTOR } from '../../monitor/monitor.js'
import { selectApps } from '../../platform/platform.js'
import { deliverBeforeExit } from '../../recovery/incident-command.js'
import { RecoveryScheduler } from '../../recovery/recovery-scheduler.js'
import { actorOf, globals } from '../global-options.js'
import { printJson } from '../output.js'
import { printEvent } from '../render-event.js'
import { stopReason } from '../../rollback/journal.js'
import { withPlatform } from '../with-platform.js'
import { stopOnSignal } from '../stop-signal.js'

export async function monitorAction(names: string[], opts: { once: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const startedBy = actorOf(g)
  return withPlatform(g, async (p) => {
    const recovery = new RecoveryScheduler(p, { actor: MONITOR_ACTOR })
    const monitor = new Monitor(p, selectApps(p.config, names), { startedBy, recovery })
    const events: unknown[] = []
    monitor.bus.subscribe((e) => (opts.once && g.json ? events.push(e) : printEvent(e, g.json)))
    // Listening before start: a signal at any moment (resuming a run, rolling back) stops it cleanly.
    const { signal, dispose } = stopOnSignal()
    signal.addEventListener('abort', () => void monitor.stop(stopReason(signal)), { once: true })
    try {
      if (opts.once) {
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
      await monitor.start()
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))
      await monitor.stop()
    } finally {
      dispose()
    }
    return 0
  })
}
