import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { AuthContext } from '../auth/auth-context.js'
import { can } from '../auth/can.js'
import type { Permission } from '../auth/permissions.js'
import { validateSession } from '../auth/sessions.js'
import { verifyToken } from '../auth/tokens.js'
import { registerSecret } from '../core/redact.js'
import type { Platform } from '../platform/platform.js'
import type { Authenticator } from './access.js'

/** The cookie that holds a login session's id (set by the login routes, session-routes.ts). */
export const SESSION_COOKIE = 'lastgood_session'
/** The header a change made with a session cookie carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token'

const BEARER = /^Bearer ([\w.~+/-]+=*)$/
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** What a request signed in with a session knows of it: for logout, and for `GET /api/v1/me`. */
export interface SessionUse {
  id: string
  idleExpiresAt: string
  expiresAt: string
}

const sessions = new WeakMap<FastifyRequest, SessionUse>()

/** The session a request was authenticated by, if it was by one (not by a token). */
export const sessionOf = (request: FastifyRequest): SessionUse | undefined => sessions.get(request)

/**
 * The CSRF token of a session: a one-way function of its id, so only a holder of the cookie can know it, it needs
 * no storage, and it reveals nothing of the id. A page cannot read another site's answers, so a forged
 * cross-site request has the cookie (when a browser sends it at all: it is SameSite=Strict) but not the token.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`lastgood csrf\0${sessionId}`).digest('base64url')
}

/**
 * Who sent a request to `lastgood serve`: the holder of a valid API token (`Authorization: Bearer <token>`),
 * its permissions those of its user's role capped by the token's ceiling; otherwise the person whose login
 * session the `lastgood_session` cookie names, while the session lasts (idle and absolute timeouts, logout, a
 * disabled user end it). A change (POST, PUT, PATCH, DELETE) made with a session cookie needs the session's CSRF
 * token in `x-csrf-token`; a token request does not (no browser sends a bearer token on its own).
 * `now` moves the clock for tests of the timeouts.
 */
export function platformAuthenticator(p: Platform, now?: () => Date): Authenticator {
  const ctx: AuthContext = { state: p.state, auth: p.config.auth, ...(now ? { now } : {}) }
  return {
    async authenticate(request: FastifyRequest) {
      const header = request.headers.authorization
      if (header !== undefined) {
        const presented = BEARER.exec(header)?.[1]
        if (!presented) return null
        const check = await verifyToken(ctx, presented)
        if (!check.ok) return null
        // A valid token is a secret of this process from now on; an invalid one is nobody's and is not kept.
        registerSecret(presented)
        return check.identity
      }
      const id = request.cookies?.[SESSION_COOKIE]
      if (!id) return null
      const check = await validateSession(ctx, id)
      if (!check.ok) return null
      sessions.set(request, { id, idleExpiresAt: check.idleExpiresAt, expiresAt: check.expiresAt })
      return check.identity
    },
    refusal(request: FastifyRequest) {
      const session = sessions.get(request)
      if (!session || SAFE_METHODS.has(request.method)) return undefined
      const given = request.headers[CSRF_HEADER]
      if (typeof given === 'string' && sameText(given, csrfTokenOf(session.id))) return undefined
      return `a change made with a session cookie needs its CSRF token in the ${CSRF_HEADER} header (the login answer and GET /api/v1/me give it)`
    },
    allows: (identity, permission) => can(identity, permission as Permission, p.config),
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
