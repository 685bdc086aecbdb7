import type { Permission } from '../auth/permissions.js'
import type { ResolvedConfig } from '../config/types.js'
import type { StateDb } from '../state/open-state.js'
import { openIncidentsCovering } from '../recovery/open-incident.js'

/** Who is asked to decide: the roles holding `permission`, and the channels they name (roles.<r>.channels). */
export function holdersOf(config: Pick<ResolvedConfig, 'auth'>, permission: Permission): { roles: string[]; channels: string[] } {
  const roles = Object.values(config.auth.roles).filter((r) => r.permissions.includes(permission))
  return { roles: roles.map((r) => r.name), channels: [...new Set(roles.flatMap((r) => r.channels))] }
}

/**
 * Who hears of emergency access: the security channel (the channels of a role named `security`, else of the
 * roles holding `review`), and everyone told about an open incident of the apps.
 */
export async function breakGlassAudience(db: StateDb, config: Pick<ResolvedConfig, 'auth'>, apps: string[]): Promise<string[]> {
  const security = config.auth.roles.security?.channels.length ? config.auth.roles.security.channels : holdersOf(config, 'review').channels
  const incidents = await openIncidentsCovering(db, apps)
  return [...new Set([...security, ...incidents.flatMap((i) => i.audience)])]
}
