import type { FastifyRequest } from 'fastify'
import type { AuthContext } from '../auth/auth-context.js'
import { can } from '../auth/can.js'
import type { Permission } from '../auth/permissions.js'
import { verifyToken } from '../auth/tokens.js'
import { registerSecret } from '../core/redact.js'
import type { Platform } from '../platform/platform.js'
import type { Authenticator } from './access.js'

const BEARER = /^Bearer ([\w.~+/-]+=*)$/

/**
 * Who sent a request to `lastgood serve`: the holder of a valid API token (`Authorization: Bearer <token>`),
 * its permissions those of its user's role capped by the token's ceiling. A token that is unknown, expired,
 * revoked or whose user is disabled authenticates nobody.
 */
export function tokenAuthenticator(p: Platform): Authenticator {
  const ctx: AuthContext = { state: p.state, auth: p.config.auth }
  return {
    async authenticate(request: FastifyRequest) {
      const presented = BEARER.exec(request.headers.authorization ?? '')?.[1]
      if (!presented) return null
      const check = await verifyToken(ctx, presented)
      if (!check.ok) return null
      // A valid token is a secret of this process from now on; an invalid one is nobody's and is not kept.
      registerSecret(presented)
      return check.identity
    },
    allows: (identity, permission) => can(identity, permission as Permission, p.config),
  }
}
