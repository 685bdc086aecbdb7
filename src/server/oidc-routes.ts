import { z } from 'zod'
import type { AuthContext } from '../auth/auth-context.js'
import type { OidcSettings } from '../auth/auth-config.js'
import { OidcLogin } from '../auth/oidc-login.js'
import { messageOf } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { sendError } from './error-reply.js'
import { addRoute, type ApiServer } from './route.js'
import { SignedIn, signIn } from './session-routes.js'

/** Holds a login's state between the redirect to the provider and its callback. */
const STATE_COOKIE = 'lastgood_oidc_state'
const ROUTE = '/api/v1/login/oidc'

const CODE_OF = { 400: 'usage', 401: 'unauthenticated', 403: 'forbidden' } as const

/**
 * `GET /api/v1/login/oidc` sends the browser to the identity provider; `GET /api/v1/login/oidc/callback` is
 * where it comes back (auth.oidc.redirect_url): the code is exchanged, the ID token verified, the groups mapped
 * to a role, and a session opened as for a password login (the same cookie and answer).
 */
export function addOidcRoutes(app: ApiServer, p: Platform, settings: OidcSettings, now?: () => Date): void {
  const ctx: AuthContext = { state: p.state, auth: p.config.auth, ...(now ? { now } : {}) }
  const oidc = new OidcLogin(ctx, settings)

  addRoute(app, 'public', {
    method: 'GET',
    url: ROUTE,
    schema: { summary: "Log in through the team's identity provider: redirects there", tags: ['auth'] },
    handler: async (_request, reply) => {
      let start: { url: string; state: string }
      try {
        start = await oidc.begin()
      } catch (err) {
        return reply.code(502).send({ error: { code: 'failed', message: messageOf(err), path: null } })
      }
      // SameSite=Lax: the provider's redirect back is a cross-site navigation, which a Strict cookie would miss.
      void reply.setCookie(STATE_COOKIE, start.state, { httpOnly: true, secure: true, sameSite: 'lax', path: ROUTE, maxAge: 600 })
      return reply.redirect(start.url, 302)
    },
  })

  addRoute(app, 'public', {
    method: 'GET',
    url: `${ROUTE}/callback`,
    schema: {
      summary: 'Where the identity provider sends the browser back: opens a session (the cookie) and answers as POST /api/v1/login',
      tags: ['auth'],
      querystring: z.object({ state: z.string().optional(), code: z.string().optional() }).passthrough(),
      response: { 200: SignedIn },
    },
    handler: async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
      const outcome = await oidc.finish(query, request.cookies[STATE_COOKIE])
      void reply.clearCookie(STATE_COOKIE, { path: ROUTE })
      if (!outcome.ok) return sendError(reply, { code: CODE_OF[outcome.status], message: outcome.message, path: null })
      return signIn(ctx, reply, outcome.identity)
    },
  })
}
