import { requireReason } from '../../core/errors.js'
import type { Command } from 'commander'
import { tokenRevokeOperation } from '../../operations/tokens.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function tokenRevokeAction(name: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const reason = requireReason(opts.reason, 'token revoke')
  const { result, exitCode } = await invoke(g, tokenRevokeOperation, { name, reason })
  if (g.json) printJson(result)
  else println(`revoked ${result.token.name} (${result.token.user})`)
  return exitCode
}
