import { userInfo } from 'node:os'
import { type Identity, localIdentity } from '../auth/identity.js'
import { findUserRow } from '../auth/users.js'
import type { Platform } from '../platform/platform.js'
import type { OperationContext } from './operation.js'

/**
 * Who acts, for an operation whose rules depend on more than its route's permission (approving needs
 * approve:<scenario>, closing a review `review`, and neither may be one's own). The context's identity when
 * the door gives one; else, under an `auth` block, the enabled account of the actor's name (the server's door
 * passes only the subject today: its role is the account's, a token's ceiling is not known here); else the
 * local command line's identity.
 */
export async function actingIdentity(p: Platform, ctx: OperationContext & { identity?: Identity }): Promise<Identity> {
  if (ctx.identity) return ctx.identity
  if (p.config.auth.configured) {
    const user = await findUserRow(p.state.db, ctx.actor)
    if (user && !user.disabled_at) return { subject: user.name, method: 'password', role: user.role }
  }
  return localIdentity(ctx.actor, userInfo().username)
}
