import type { Command } from 'commander'
import { POSITIVE_TIMER_RANGE } from '../../config-parts/units.js'
import { watchDeploy } from '../../monitor/deploy-watch.js'
import { findApp } from '../../platform/platform.js'
import { actorOf, globals } from '../global-options.js'
import { parseDurationOption } from '../parse-time.js'
import { printJson, println } from '../output.js'
import { printEvent } from '../render-event.js'
import { withPlatform } from '../with-platform.js'
import { stopOnSignal } from '../stop-signal.js'

export async function watchAction(name: string, opts: { for?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  // The range of monitor.watch_for, which it stands in for.
  const forMs = opts.for === undefined ? undefined : parseDurationOption('--for', opts.for, POSITIVE_TIMER_RANGE)
  return withPlatform(g, async (p) => {
    const app = findApp(p.config, name)
    // Ctrl-C ends the soak unproven (exit 1); a rollback under way stops at a step boundary, journaled.
    const r = await watchDeploy(p, app, {
      forMs: forMs ?? p.config.monitor.watchForMs,
      actor,
      stop: stopOnSignal().signal,
      ...(g.json ? {} : { onEvent: (e) => printEvent(e, false) }),
    })
    if (g.json) printJson({ watch: r })
    else
      println(r.outcome === 'passed' ? `${app.name}: ${r.snapshot} is known good: ${r.detail}` : `${app.name}: ${r.outcome}: ${r.detail}`)
    return r.outcome === 'passed' ? 0 : 1
  })
}
