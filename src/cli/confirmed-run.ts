import { createInterface } from 'node:readline/promises'
import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { recordRunOnIncidents } from '../recovery/record-run.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import type { GlobalOptions } from './global-options.js'
import { printJson, println } from './output.js'
import { renderReport } from './render-rollback.js'

export interface Asking {
  dryRun: boolean
  yes: boolean
}

/** A run a person is asked about: a new rollback, a pending one, or a resume. */
export interface Proposal {
  /** What a person reads before saying yes, and what a dry run prints. */
  shown: string
  question: string
  /** The --json document's fields before `report`; `ran` tells the document after the run from a dry run's. */
  json(ran: boolean): Record<string, unknown>
  run(): Promise<RollbackReport>
}

/**
 * The one path from a planned rollback to its exit code: --dry-run prints the proposal and changes nothing;
 * otherwise the person confirms (or --yes), the run goes, every open incident of its apps records it, and the
 * report is printed. Exit 0 when it succeeded, 1 when it did not.
 */
export async function runConfirmed(p: Platform, g: GlobalOptions, opts: Asking, proposal: Proposal): Promise<number> {
  if (opts.dryRun) {
    if (g.json) printJson({ dryRun: true, ...proposal.json(false) })
    else println(`${proposal.shown}\n\ndry run: nothing was changed`)
    return 0
  }
  await confirmOrRefuse(g, opts, proposal.shown, proposal.question)
  const report = await proposal.run()
  await recordRunOnIncidents(p, report)
  if (g.json) printJson({ ...proposal.json(true), report })
  else println(renderReport(report))
  return report.status === 'succeeded' ? 0 : 1
}

/** Returns when --yes was given or the person said yes; otherwise UserError, with nothing changed. */
export async function confirmOrRefuse(g: GlobalOptions, opts: Asking, shown: string, question: string, canPreview = true): Promise<void> {
  if (opts.yes) return
  if (g.json) throw new UserError('--json needs --yes: there is no one to ask for confirmation')
  println(shown)
  if (!process.stdin.isTTY) {
    throw new UserError(
      `no terminal to confirm on: pass --yes to go ahead${canPreview ? ', or --dry-run to preview' : ''}; nothing was changed`,
    )
  }
  if (!(await confirm(`\n${question} [y/N] `))) throw new UserError('not confirmed; nothing was changed (pass --yes to skip the question)')
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}
