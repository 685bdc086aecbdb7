import type { Command } from 'commander'
import { tokenListOperation } from '../../operations/tokens.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println, table } from '../output.js'

export async function tokenListAction(opts: { user?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, tokenListOperation, opts.user !== undefined ? { user: opts.user } : {})
  const { tokens } = result
  if (g.json) printJson(result)
  else if (tokens.length === 0) println('no tokens: `lastgood token create NAME --user U` makes one')
  else
    println(
      table(
        ['TOKEN', 'USER', 'CEILING', 'EXPIRES', 'LAST USED', 'STATE'],
        tokens.map((t) => [
          t.name,
          t.user,
          t.role ?? '',
          t.expiresAt,
          t.lastUsedAt ?? 'never',
          t.state === 'revoked' ? `revoked ${t.revokedAt} by ${t.revokedBy}: ${t.revokedReason}` : t.state,
        ]),
      ),
    )
  return exitCode
}
