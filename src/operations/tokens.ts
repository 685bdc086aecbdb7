import { z } from 'zod'
import { createToken, DEFAULT_TOKEN_LIFETIME_MS, listTokens, MAX_TOKEN_LIFETIME_MS, revokeToken } from '../auth/tokens.js'
import { type DurationRange, durationSchema } from '../config-parts/units.js'
import { registerSecret } from '../core/redact.js'
import { reasonInput } from './input-fields.js'
import { operation } from './operation.js'
import { authOf } from './users.js'
import { whoActs } from './who-acts.js'

/** How long a token may live: `--expires` on the command line, `expires` over HTTP. */
export const TOKEN_LIFETIME: DurationRange = { min: 1, max: MAX_TOKEN_LIFETIME_MS }

const tokenName = z.string().min(1).describe('Token name.')

/**
 * The one answer that carries a token's secret: the command prints it once, and it is kept only as a hash.
 * From here on it is a secret of this process, masked wherever else it might appear.
 */
export const tokenCreateOperation = operation({
  name: 'token.create',
  summary: 'Create a token acting as a user; the answer carries it, the only time it is shown',
  method: 'POST',
  path: '/tokens',
  permission: 'admin',
  readOnly: false,
  input: z.object({
    name: z.string().min(1).describe('Token name, unique for ever (such as ci-deploy).'),
    user: z.string().min(1).describe('The account it acts as.'),
    expires: durationSchema(TOKEN_LIFETIME).default(DEFAULT_TOKEN_LIFETIME_MS).describe('Lifetime, up to 366d (default 90d).'),
    role: z.string().min(1).optional().describe("Role ceiling: it may do only what both this role and the user's role allow."),
  }),
  async run(p, input, ctx) {
    const { token, info } = await createToken(authOf(p), whoActs(ctx), {
      name: input.name,
      user: input.user,
      expiresInMs: input.expires,
      ...(input.role !== undefined ? { role: input.role } : {}),
    })
    registerSecret(token)
    return { result: { token, name: info.name, user: info.user, role: info.role, expires_at: info.expiresAt, id: info.id }, exitCode: 0 }
  },
})

export const tokenListOperation = operation({
  name: 'token.list',
  summary: 'Every token with its user, ceiling, expiry, last use and state (never a secret)',
  method: 'GET',
  path: '/tokens',
  permission: 'admin',
  readOnly: true,
  input: z.object({ user: z.string().optional().describe("Only this user's tokens.") }),
  async run(p, input) {
    return { result: { tokens: await listTokens(p.state.db, input.user !== undefined ? { user: input.user } : {}) }, exitCode: 0 }
  },
})

export const tokenRevokeOperation = operation({
  name: 'token.revoke',
  summary: 'Revoke a token now',
  method: 'POST',
  path: '/tokens/:name/revoke',
  permission: 'admin',
  readOnly: false,
  input: z.object({ name: tokenName, reason: reasonInput('token revoke') }),
  async run(p, input, ctx) {
    return { result: { token: await revokeToken(authOf(p), whoActs(ctx), input.name, input.reason) }, exitCode: 0 }
  },
})
