import { userInfo } from 'node:os'
import { can } from '../auth/can.js'
import { type Identity, localIdentity } from '../auth/identity.js'
import type { Permission } from '../auth/permissions.js'
import type { ResolvedConfig } from '../config/types.js'
import { RefusedError, UserError } from '../core/errors.js'
import type { StateDb } from '../state/open-state.js'
import { actorOf, type GlobalOptions } from './global-options.js'

/**
 * Who a local command acts as: --as (or $LASTGOOD_ACTOR, or the OS user) while the file has no `auth` block;
 * with one, the OS user only when the command `changes` the state (a name anyone can claim is no identity, so
 * --as is refused there, exit 2). It needs `permission` (default admin: managing users and tokens): under
 * auth.local_cli: read-only only `read` is granted, so anything else is refused (exit 3) unless `bootstrap`
 * allows it. A command that changes the state by way of another check (an approval, whose rules ask for
 * approve:<scenario>) passes `read` and `changes: true`.
 */
export async function localActor(
  g: GlobalOptions,
  config: ResolvedConfig,
  db: StateDb,
  opts: { permission?: Permission; changes?: boolean; bootstrap?: (db: StateDb) => Promise<boolean> } = {},
): Promise<Identity> {
  const osUser = userInfo().username
  const permission = opts.permission ?? 'admin'
  const changes = opts.changes ?? permission !== 'read'
  if (!changes) return localIdentity(actorOf(g), osUser)
  if (config.auth.configured && g.as !== undefined) {
    throw new UserError(
      `--as is refused when the configuration has an auth block: local commands act as the OS user (${osUser}); nothing was changed`,
    )
  }
  const identity = localIdentity(config.auth.configured ? osUser : actorOf(g), osUser)
  if (can(identity, permission, config) || (await opts.bootstrap?.(db))) return identity
  throw new RefusedError(
    'auth.local_cli is read-only: this command changes the state, so run it through the API with --server URL and a token; nothing was changed',
  )
}
