import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { AuthContext } from '../auth/auth-context.js'
import { permissionsOf } from '../auth/can.js'
import type { Identity } from '../auth/identity.js'
import { verifyLogin } from '../auth/login.js'
import { createSession, revokeSession } from '../auth/sessions.js'
import type { Platform } from '../platform/platform.js'
import { csrfTokenOf, SESSION_COOKIE, sessionOf } from './authenticate.js'
import { sendError } from './error-reply.js'
import { rateLimiter, sendTooMany } from './rate-limits.js'
import { addRoute, type ApiServer } from './route.js'

/**
 * Signing in and out of `lastgood serve` with a local account: `POST /api/v1/login` opens a server-side session
 * and sets its id as an HttpOnly, Secure, SameSite=Strict cookie; `POST /api/v1/logout` ends it; `GET /api/v1/me`
 * says who the caller is. Logins are limited per client address and per user name (auth.rate_limits).
 */

const Login = z.object({
  user: z.string().min(1).max(256).describe('The account name'),
  password: z.string().min(1).max(1024).describe('Its password; never logged, audited or echoed'),
})

export const SignedIn = z.object({
  user: z.string(),
  method: z.enum(['password', 'oidc']),
  role: z.string(),
  permissions: z.array(z.string()),
  expiresAt: z.string().describe('When the session ends however used (auth.session.absolute_timeout)'),
  csrfToken: z.string().describe('Send it as `x-csrf-token` with every POST, PUT, PATCH and DELETE made with this session'),
})

const Me = z.object({
  user: z.string(),
  method: z.enum(['password', 'oidc', 'token', 'local']),
  role: z.string(),
  permissions: z.array(z.string()),
  token: z.string().optional().describe('The API token’s name, for a token'),
  session: z.object({ expiresAt: z.string(), idleExpiresAt: z.string() }).optional().describe('For a session'),
  csrfToken: z.string().optional().describe('For a session: its CSRF token'),
})

const ERROR = z.object({ error: z.object({ code: z.string(), message: z.string(), path: z.string().nullable() }) })

/** Opens a session for someone who just proved who they are, sets its cookie, and answers what SignedIn says. */
export async function signIn(ctx: AuthContext, reply: FastifyReply, identity: Identity): Promise<z.infer<typeof SignedIn>> {
  const session = await createSession(ctx, identity)
  void reply.setCookie(SESSION_COOKIE, session.id, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: '/',
    expires: new Date(session.expiresAt),
  })
  return {
    user: identity.subject,
    method: identity.method === 'oidc' ? 'oidc' : 'password',
    role: identity.role,
    permissions: [...permissionsOf(identity, ctx.auth)],
    expiresAt: session.expiresAt,
    csrfToken: csrfTokenOf(session.id),
  }
}

export function addSessionRoutes(app: ApiServer, p: Platform, now?: () => Date): void {
  const ctx: AuthContext = { state: p.state, auth: p.config.auth, ...(now ? { now } : {}) }
  const perMinute = p.config.auth.rateLimits.loginPerMinute
  const byAddress = rateLimiter(app, 'login-address', perMinute)
  const byUser = rateLimiter(app, 'login-user', perMinute)

  addRoute(app, 'public', {
    method: 'POST',
    url: '/api/v1/login',
    schema: {
      summary: 'Log in with a local account: sets the session cookie and answers the CSRF token',
      tags: ['auth'],
      body: Login,
      response: { 200: SignedIn, 401: ERROR, 429: ERROR },
    },
    handler: async (request, reply) => {
      const { user, password } = request.body
      // Both counted on every attempt, so neither many names from one address nor one name from many addresses gets far.
      const overAddress = await byAddress(request, request.ip)
      const overUser = await byUser(request, user.toLowerCase())
      const over = overAddress ?? overUser
      if (over)
        return sendTooMany(reply, `too many login attempts ${overAddress ? 'from this address' : `for ${user}`}`, over.retryAfterSeconds)
      const check = await verifyLogin(ctx, user, password)
      if (check.ok) return signIn(ctx, reply, check.identity)
      if (check.reason === 'locked') {
        const seconds = Math.max(1, Math.ceil((Date.parse(check.until) - (now?.() ?? new Date()).getTime()) / 1000))
        return sendTooMany(reply, `${user} is locked after repeated failed logins until ${check.until}`, seconds)
      }
      return sendError(reply, { code: 'unauthenticated', message: 'wrong user name or password', path: null })
    },
  })

  addRoute(
    app,
    { permission: 'read' },
    {
      method: 'POST',
      url: '/api/v1/logout',
      schema: {
        summary: 'End the session of the cookie sent',
        tags: ['auth'],
        response: { 200: z.object({ loggedOut: z.literal(true) }) },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request)
        if (!session)
          return sendError(reply, {
            code: 'usage',
            message: 'an API token is not a session: revoke it with `lastgood token revoke NAME`',
            path: null,
          })
        await revokeSession(ctx, request.identity!, session.id)
        void reply.clearCookie(SESSION_COOKIE, { path: '/' })
        return { loggedOut: true as const }
      },
    },
  )

  addRoute(
    app,
    { permission: 'read' },
    {
      method: 'GET',
      url: '/api/v1/me',
      schema: { summary: 'Who the caller is and what they may do', tags: ['auth'], response: { 200: Me } },
      handler: async (request) => {
        const identity = request.identity!
        const session = sessionOf(request)
        return {
          user: identity.subject,
          method: identity.method,
          role: identity.role,
          permissions: [...permissionsOf(identity, ctx.auth)],
          ...(identity.tokenName ? { token: identity.tokenName } : {}),
          ...(session
            ? { session: { expiresAt: session.expiresAt, idleExpiresAt: session.idleExpiresAt }, csrfToken: csrfTokenOf(session.id) }
            : {}),
        }
      },
    },
  )
}
