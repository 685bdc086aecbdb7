import { z } from 'zod'
import type { MonitorEvent } from '../monitor/events.js'
import { monitorWithRecovery, stopWith } from '../monitor/run-monitor.js'
import { selectApps } from '../platform/platform.js'
import { deliverBeforeExit } from '../recovery/incident-command.js'
import { listInput } from './input-fields.js'
import { type OperationContext, operation } from './operation.js'

/**
 * `lastgood monitor --once`: one round of the apps named (or all), acting on what it finds as the running
 * monitor would (a firing trigger rolls back), then the notifications it queued delivered.
 */
export const monitorOnceOperation = operation({
  name: 'monitor.once',
  summary: 'One round of the monitor: probe each app, evaluate its triggers, act on what they say',
  method: 'POST',
  path: '/monitor/once',
  // A trigger that fires rolls its app back.
  permission: 'rollback',
  readOnly: false,
  stoppable: true,
  long: true,
  input: z.object({
    // A request names them, so an empty body starts nothing; the CLI asks for all when none is named.
    app: listInput(z.string())
      .refine((names) => names.length > 0, { error: 'name the apps to probe, or all' })
      .describe('Apps to probe, or "all".'),
  }),
  async run(p, input, { actor, signal, progress }: OperationContext<MonitorEvent>) {
    const monitor = monitorWithRecovery(p, selectApps(p.config, input.app), { startedBy: actor })
    const events: MonitorEvent[] = []
    monitor.bus.subscribe((e) => {
      events.push(e)
      progress?.(e)
    })
    stopWith(monitor, signal)
    await monitor.start({ schedule: false })
    if (!signal.aborted) await monitor.runOnce()
    await monitor.stop()
    await deliverBeforeExit(p)
    const triggers = monitor.apps.flatMap((a) =>
      a.triggers.map((t) => ({ app: a.name, trigger: t.name, kind: t.kind, action: t.action, ...monitor.triggerState(a.name, t.name) })),
    )
    return { result: { events, triggers }, exitCode: 0 }
  },
})
