import { userInfo } from 'node:os'
import { actingIdentity } from '../auth/acting.js'
import { type Identity, localIdentity } from '../auth/identity.js'
import type { OperationContext } from './operation.js'

/**
 * Who acts, for rules that depend on more than a route's permission (approving needs approve:<scenario>,
 * closing a review `review`, and neither may be one's own; a rollback's gate) and for what records the identity
 * itself (an account's creator): the identity both doors run the operation as, a token's ceiling included; a
 * direct call outside them acts as the local command line would.
 */
export function whoActs(ctx: OperationContext): Identity {
  return actingIdentity() ?? localIdentity(ctx.actor, userInfo().username)
}
