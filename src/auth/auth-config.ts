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
  rateLimits: { loginPerMinute: number; tokenPerMinute: number }
  /** Login through an OpenID Connect provider, when configured. */
  oidc?: OidcSettings
}

export interface OidcSettings {
  issuer: string
  clientId: string
  clientSecret?: string
  redirectUrl: string
  /** Always with `openid`. */
  scopes: string[]
  usernameClaim: string
  rolesClaim: string
  /** Group to role, in the order the configuration lists them: the first the person has decides. */
  roleMap: [group: string, role: string][]
}

export function resolveAuth(configured: AuthYaml | undefined): ResolvedAuth {
  const auth = configured ?? authBodySchema.parse({})
  return {
    configured: configured !== undefined,
    roles: resolveRoles(auth.roles),
    localCli: auth.local_cli,
    session: { idleTimeoutMs: auth.session.idle_timeout, absoluteTimeoutMs: auth.session.absolute_timeout },
    lockout: { failures: auth.lockout.failures, withinMs: auth.lockout.within, lockForMs: auth.lockout.lock_for },
    rateLimits: { loginPerMinute: auth.rate_limits.login_per_minute, tokenPerMinute: auth.rate_limits.token_per_minute },
    ...(auth.oidc ? { oidc: resolveOidc(auth.oidc) } : {}),
  }
}

function resolveOidc(o: NonNullable<AuthYaml['oidc']>): OidcSettings {
  return {
    issuer: o.issuer,
    clientId: o.client_id,
    ...(o.client_secret !== undefined ? { clientSecret: o.client_secret } : {}),
    redirectUrl: o.redirect_url,
    scopes: o.scopes.includes('openid') ? o.scopes : ['openid', ...o.scopes],
    usernameClaim: o.username_claim,
    rolesClaim: o.roles_claim,
    roleMap: Object.entries(o.role_map),
  }
}
