import { z } from 'zod'
import { type Permission, PERMISSIONS } from '../auth/permissions.js'
import { SCENARIOS } from './decision-vocabulary.js'
import { BUILT_IN_ROLES, roleProblems } from '../auth/roles.js'
import { expected, intSchema, nameSchema, strictObject, textSchema } from './schema-helpers.js'
import { checkNames } from './name-references.js'
import { positiveDurationSchema } from './units.js'

/**
 * The `auth` block of lastgood.yaml: roles, what the local command line may do, session lifetimes and the
 * lockout after failed logins. Resolved by auth/auth-config.ts.
 */

const permissionSchema = z
  .enum(PERMISSIONS as [Permission, ...Permission[]], {
    error: expected(
      `a permission: read, snapshot, rollback, rollback-data, incident, break-glass, review, audit-export, admin, or approve:<scenario> with a scenario of ${SCENARIOS.join(', ')}`,
    ),
  })
  .describe('One permission.')

const roleSchema = strictObject(
  {
    permissions: z
      .array(permissionSchema, { error: expected('a list of permissions') })
      .optional()
      .describe("What the role's holders may do. On a built-in role's name, replaces its permissions."),
    inherits: nameSchema('operator')
      .optional()
      .describe('Another role whose permissions this one has too. On a built-in role, replaces its permissions with these and its own.'),
    channels: z
      .array(nameSchema('it-team'), { error: expected('a list of channel names') })
      .optional()
      .describe('Channels (notifications.channels) that reach the holders of this role: approval requests for it go there.'),
  },
  'a role mapping (permissions, inherits, channels)',
)

const oidcSchema = strictObject(
  {
    issuer: z
      .url({
        protocol: /^https$/,
        error: expected('the https URL of an OpenID Connect issuer, such as https://login.clinic.example/realms/staff'),
      })
      .describe('The identity provider (its /.well-known/openid-configuration is read at start-up). HTTPS only.'),
    client_id: textSchema('a client id').describe('The client lastgood is registered as at the provider.'),
    client_secret: textSchema('a client secret')
      .optional()
      .describe('Its secret; put it in the environment: ${OIDC_CLIENT_SECRET}. Absent: a public client (PKCE only).'),
    redirect_url: z
      .url({
        protocol: /^https?$/,
        error: expected(
          'the URL of /api/v1/login/oidc/callback on this server, such as https://lastgood.clinic.example/api/v1/login/oidc/callback',
        ),
      })
      .describe("Where the provider sends the browser back: this server's /api/v1/login/oidc/callback, as registered at the provider."),
    scopes: z
      .array(textSchema('a scope'), { error: expected('a list of scopes') })
      .default(['openid', 'profile', 'email'])
      .describe('Scopes asked for; `openid` is added when missing. Add the one that releases the roles claim (often `groups`).'),
    username_claim: textSchema('a claim name')
      .default('preferred_username')
      .describe('The claim that names the person in the audit trail; `sub` when the token lacks it.'),
    roles_claim: textSchema('a claim name').default('groups').describe('The claim (a list or a string) whose values role_map maps.'),
    role_map: z
      .record(textSchema('a group'), nameSchema('oncall'), { error: expected('a mapping of group to role') })
      .describe(
        'Group (a value of roles_claim) to role. The first entry the person has decides; none: the login is refused (403, audited).',
      ),
  },
  'an oidc mapping (issuer, client_id, client_secret, redirect_url, scopes, username_claim, roles_claim, role_map)',
)

/** The block's content; `authSchema` is the key, which may be absent. */
export const authBodySchema = strictObject(
  {
    roles: z
      .record(nameSchema('release-manager'), roleSchema, { error: expected('a mapping of roles') })
      .default({})
      .superRefine((roles, ctx) => {
        for (const p of roleProblems(roles)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message })
      })
      .describe(
        'Roles by name, beside the built-in viewer, operator, oncall, team-lead, security, dba and admin (docs/access.md). ' +
          'A built-in role named here with only channels keeps its permissions.',
      ),
    local_cli: z
      .enum(['full', 'read-only'], { error: expected('full or read-only') })
      .default('full')
      .describe(
        'What lastgood run on this host against the state may do: full, or read-only (state-changing commands are refused ' +
          'and go through --server; `user add` stays allowed to create the first admin).',
      ),
    session: strictObject({
      idle_timeout: positiveDurationSchema().prefault('15m').describe('A session unused this long ends (automatic logoff).'),
      absolute_timeout: positiveDurationSchema().prefault('12h').describe('A session ends this long after its login, however used.'),
    })
      .prefault({})
      .describe('Login sessions of the API.'),
    lockout: strictObject({
      failures: intSchema(1).default(5).describe('Failed logins that lock an account.'),
      within: positiveDurationSchema().prefault('15m').describe('… counted over this long.'),
      lock_for: positiveDurationSchema().prefault('15m').describe('How long a locked account refuses every login.'),
    })
      .prefault({})
      .describe('Locking an account after repeated failed logins.'),
    rate_limits: strictObject({
      login_per_minute: intSchema(1)
        .default(10)
        .describe('Login attempts per minute from one client address, and as many for one user name (429 with Retry-After beyond).'),
      token_per_minute: intSchema(1).default(600).describe('Requests per minute with one API token (429 with Retry-After beyond).'),
    })
      .prefault({})
      .describe('Rate limits of the API, per process.'),
    oidc: oidcSchema.optional().describe("Login through the team's identity provider (OpenID Connect, authorization code + PKCE)."),
  },
  'an auth mapping (roles, local_cli, session, lockout, rate_limits, oidc)',
)

export const authSchema = authBodySchema
  .optional()
  .describe('Who may do what: roles, sessions, lockout (docs/access.md). Absent: the built-in roles and these defaults.')

export type AuthYaml = z.output<typeof authBodySchema>

/** Every channel a role names must be configured; every role the OIDC role_map names must exist. */
export function checkAuthReferences(
  config: { auth?: AuthYaml; notifications: { channels: Record<string, unknown> } },
  ctx: z.RefinementCtx,
): void {
  const channels = Object.keys(config.notifications.channels)
  for (const [name, role] of Object.entries(config.auth?.roles ?? {})) {
    if (Array.isArray(role.channels)) checkNames(ctx, role.channels, ['auth', 'roles', name, 'channels'], channels, 'a channel')
  }
  const roles = [...Object.keys(BUILT_IN_ROLES), ...Object.keys(config.auth?.roles ?? {})]
  for (const [group, role] of Object.entries(config.auth?.oidc?.role_map ?? {}))
    if (!roles.includes(role))
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'oidc', 'role_map', group],
        message: `expected a role (${roles.join(', ')}), got "${role}"`,
      })
}
