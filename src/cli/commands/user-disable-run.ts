import { requireReason } from '../../core/errors.js'
import type { Command } from 'commander'
import { userDisableOperation } from '../../operations/users.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function userDisableAction(name: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const reason = requireReason(opts.reason, 'user disable')
  const { result, exitCode } = await invoke(g, userDisableOperation, { name, reason })
  if (g.json) printJson(result)
  else println(`disabled ${name}: their sessions ended and their tokens no longer work`)
  return exitCode
}
