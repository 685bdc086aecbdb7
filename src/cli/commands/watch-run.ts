import type { Command } from 'commander'
import { POSITIVE_TIMER_RANGE } from '../../config-parts/units.js'
import { watchRunOperation } from '../../operations/watch.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'
import { parseDurationOption } from '../parse-time.js'
import { printEvent } from '../render-event.js'

/** Events as they happen when the watch runs here; through the server, the outcome when it ends. */
export async function watchAction(app: string, opts: { for?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  // Checked in the command's words before either door; the operation's schema has the same range.
  if (opts.for !== undefined) parseDurationOption('--for', opts.for, POSITIVE_TIMER_RANGE)
  const { result, exitCode } = await invoke(
    g,
    watchRunOperation,
    { app, for: opts.for },
    g.json ? {} : { progress: (e) => printEvent(e, false) },
  )
  const r = result.watch
  if (g.json) printJson(result)
  else println(r.outcome === 'passed' ? `${r.app}: ${r.snapshot} is known good: ${r.detail}` : `${r.app}: ${r.outcome}: ${r.detail}`)
  return exitCode
}
