import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Identity } from '../auth/identity.js'
import { sendError } from './error-reply.js'

/**
 * Who may call a route: anyone (`public`: liveness and readiness probes, the Prometheus scrape, the OpenAPI
 * document), or an authenticated identity holding the permission (`read`, `snapshot`, `rollback`, …).
 */
export type Access = 'public' | { permission: string }

/**
 * The seam authentication plugs into (src/auth/ provides it). The server asks it, before the body is read, for
 * every route that is not public.
 */
export interface Authenticator {
  /**
   * Who sent the request (a session cookie, a bearer token), or null when nobody did or the credentials are not
   * valid now (unknown, expired, revoked). Never throws for bad credentials; never logs them.
   */
  authenticate(request: FastifyRequest): Promise<Identity | null>
  /**
   * Why an authenticated request is refused whatever the permissions (a change made with a session cookie
   * without its CSRF token), or undefined. Asked before the permission check; a refusal is a 403.
   */
  refusal?(request: FastifyRequest): string | undefined
  /** Whether the identity holds the permission (its roles, capped by a token's ceiling). */
  allows(identity: Identity, permission: string): boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
  interface FastifyRequest {
    /** Set for every route that is not public, before its handler runs. */
    identity?: Identity
  }
}

/**
 * The onRequest hook that enforces each route's Access. Without an authenticator nobody is authenticated, so
 * every route that is not public answers 401: a server with no way to sign in exposes only its public routes.
 */
export function accessGuard(authenticator: Authenticator | undefined) {
  return async function guardAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const access = request.routeOptions.config.access
    // Routes without an Access are fastify's own (404, OPTIONS): they expose nothing.
    if (access === undefined || access === 'public') return
    const identity = authenticator ? await authenticator.authenticate(request) : null
    if (!identity) {
      await sendError(reply, {
        code: 'unauthenticated',
        message: 'sign in, or send an API token as `Authorization: Bearer <token>`',
        path: null,
      })
      return
    }
    const refusal = authenticator!.refusal?.(request)
    if (refusal !== undefined) {
      await sendError(reply, { code: 'forbidden', message: refusal, path: null })
      return
    }
    if (!authenticator!.allows(identity, access.permission)) {
      await sendError(reply, { code: 'forbidden', message: `${identity.subject} lacks the permission "${access.permission}"`, path: null })
      return
    }
    request.identity = identity
  }
}
