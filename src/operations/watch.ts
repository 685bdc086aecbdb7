import { z } from 'zod'
import { positiveDurationSchema } from '../config-parts/units.js'
import { watchDeploy } from '../monitor/deploy-watch.js'
import type { MonitorEvent } from '../monitor/events.js'
import { findApp } from '../platform/platform.js'
import { type OperationContext, operation } from './operation.js'

/**
 * `lastgood watch APP`: the deploy captured, soaked under the app's triggers, rolled back if one fires, and
 * vouched for (known good, exit 0) only when the soak passes. A stop request ends the soak unproven (exit 1).
 */
export const watchRunOperation = operation({
  name: 'watch.run',
  summary: "After a deploy: capture it, watch it with the app's triggers, roll back if one fires, mark it known good when the soak passes",
  method: 'POST',
  path: '/apps/:app/watch',
  // A trigger that fires during the soak rolls the app back.
  permission: 'rollback',
  readOnly: false,
  stoppable: true,
  long: true,
  input: z.object({
    app: z.string().min(1).describe('The app just deployed.'),
    for: positiveDurationSchema().optional().describe('Soak duration, such as 10m (default: monitor.watch_for).'),
  }),
  async run(p, input, { actor, signal, progress }: OperationContext<MonitorEvent>) {
    const watch = await watchDeploy(p, findApp(p.config, input.app), {
      forMs: input.for ?? p.config.monitor.watchForMs,
      actor,
      stop: signal,
      ...(progress ? { onEvent: progress } : {}),
    })
    return { result: { watch }, exitCode: watch.outcome === 'passed' ? 0 : 1 }
  },
})
