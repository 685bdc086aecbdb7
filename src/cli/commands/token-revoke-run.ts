import type { Command } from 'commander'
import { revokeToken } from '../../auth/tokens.js'
import { globals, requireReason } from '../global-options.js'
import { localActor } from '../local-identity.js'
import { printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function tokenRevokeAction(name: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const reason = requireReason(opts.reason, 'token revoke')
  return withPlatform(g, async (p) => {
    const by = await localActor(g, p.config, p.state.db)
    const token = await revokeToken({ state: p.state, auth: p.config.auth }, by, name, reason)
    if (g.json) printJson({ token })
    else println(`revoked ${token.name} (${token.user})`)
    return 0
  })
}
