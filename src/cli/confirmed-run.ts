import { createInterface } from 'node:readline/promises'
import { UserError } from '../core/errors.js'
import type { GlobalOptions } from './global-options.js'
import { println } from './output.js'

export interface Asking {
  dryRun: boolean
  yes: boolean
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
