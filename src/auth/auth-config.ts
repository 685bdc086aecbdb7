import { authBodySchema, type AuthYaml } from '../config-parts/auth-schema.js'
import { type ResolvedRole, resolveRoles } from './roles.js'

/** The `auth` block as the rest of lastgood sees it: every role flattened, durations in milliseconds. */
export interface ResolvedAuth {
  /** The file has an `auth` block: identities are meant to be enforced (`--as` no longer names the actor). */
  configured: boolean
  /** Built-in and configured roles by name. */
  roles: Record<string, ResolvedRole>
  localCli: 'full' | 'read-only'
  session: { idleTimeoutMs: number; absoluteTimeoutMs: number }
  lockout: { failures: number; withinMs: number; lockForMs: number }
}

export function resolveAuth(configured: AuthYaml | undefined): ResolvedAuth {
  const auth = configured ?? authBodySchema.parse({})
  return {
    configured: configured !== undefined,
    roles: resolveRoles(auth.roles),
    localCli: auth.local_cli,
    session: { idleTimeoutMs: auth.session.idle_timeout, absoluteTimeoutMs: auth.session.absolute_timeout },
    lockout: { failures: auth.lockout.failures, withinMs: auth.lockout.within, lockForMs: auth.lockout.lock_for },
  }
}
