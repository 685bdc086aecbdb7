import type { Command } from 'commander'
import { POSITIVE_TIMER_RANGE } from '../../config-parts/units.js'
import { preflightOperation } from '../../operations/deploy-gate.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println, table } from '../output.js'
import { parseDurationOption } from '../parse-time.js'

export async function preflightAction(app: string, opts: { maxAge?: string; beforeSnapshot: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  // Checked in the command's words before either door; the operation's schema has the same range.
  if (opts.maxAge !== undefined) parseDurationOption('--max-age', opts.maxAge, POSITIVE_TIMER_RANGE)
  const { result: r, exitCode } = await invoke(g, preflightOperation, { app, max_age: opts.maxAge, before_snapshot: opts.beforeSnapshot })
  if (g.json) printJson(r)
  else {
    const failed = r.checks.filter((c) => !c.ok).length
    const verdict = r.ok ? 'a deploy may go ahead' : `refused: ${failed} of ${r.checks.length} checks failed (exit 3)`
    println(
      `preflight ${r.app}: ${verdict}\n\n${table(
        ['CHECK', 'OK', 'DETAIL'],
        r.checks.map((c) => [c.name, c.ok ? 'ok' : 'FAILED', c.detail]),
      )}`,
    )
  }
  return exitCode
}
