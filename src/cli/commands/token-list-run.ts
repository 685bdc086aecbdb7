import type { Command } from 'commander'
import { listTokens } from '../../auth/tokens.js'
import { globals } from '../global-options.js'
import { printJson, println, table } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function tokenListAction(opts: { user?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  return withPlatform(
    g,
    async (p) => {
      const tokens = await listTokens(p.state.db, opts.user !== undefined ? { user: opts.user } : {})
      if (g.json) printJson({ tokens })
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
      return 0
    },
    { readOnly: true },
  )
}
