import type { ResolvedAuth } from './auth-config.js'
import type { Identity } from './identity.js'
import { type Permission, PERMISSIONS } from './permissions.js'

const EVERYTHING: ReadonlySet<Permission> = new Set(PERMISSIONS)
const READ_ONLY: ReadonlySet<Permission> = new Set(['read'])
const NOTHING: ReadonlySet<Permission> = new Set()

/** The one permission check: every route and every command path asks this. */
export function can(identity: Identity, permission: Permission, config: { auth: ResolvedAuth }): boolean {
  return permissionsOf(identity, config.auth).has(permission)
}

/**
 * Everything `identity` may do. The local command line may do what auth.local_cli says; anyone else what
 * their role grants, cut down to a token's role ceiling. A role the configuration no longer has grants nothing.
 */
export function permissionsOf(identity: Identity, auth: ResolvedAuth): ReadonlySet<Permission> {
  if (identity.method === 'local') return auth.localCli === 'full' ? EVERYTHING : READ_ONLY
  return identity.ceiling === undefined ? rolePermissions(identity.role, auth) : roleCeiling(identity.role, identity.ceiling, auth)
}

/** A token's permissions: those of its user's role that its ceiling role has too. */
export function roleCeiling(userRole: string, ceiling: string, auth: ResolvedAuth): ReadonlySet<Permission> {
  const cap = rolePermissions(ceiling, auth)
  return new Set([...rolePermissions(userRole, auth)].filter((p) => cap.has(p)))
}

function rolePermissions(role: string, auth: ResolvedAuth): ReadonlySet<Permission> {
  const r = auth.roles[role]
  return r ? new Set(r.permissions) : NOTHING
}
