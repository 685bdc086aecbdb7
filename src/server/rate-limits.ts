import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiServer } from './route.js'

/**
 * Rate limits of `lastgood serve` (auth.rate_limits), counted per process in memory by @fastify/rate-limit: login
 * attempts per client address and per user name, requests per API token. Beyond a limit the answer is 429 with
 * Retry-After and the error document's code `refused` (the CLI's exit 3, "refused for now").
 */

const MINUTE_MS = 60_000
const TOKEN_ID = /^Bearer lgt_([0-9a-f]{16})_/

/** Counts one request under `key`; how long to wait when it is one too many. */
export type Limiter = (request: FastifyRequest, key: string) => Promise<{ retryAfterSeconds: number } | undefined>

/** A limiter of `perMinute` requests per key, in its own counting space (`space` keeps limiters apart). */
export function rateLimiter(app: ApiServer, space: string, perMinute: number): Limiter {
  const limit = app.createRateLimit({ max: perMinute, timeWindow: MINUTE_MS, keyGenerator: (request) => keys.get(request) ?? '' })
  // createRateLimit takes its key from the request; several limiters may count one request under different keys.
  const keys = new WeakMap<FastifyRequest, string>()
  return async (request, key) => {
    keys.set(request, `${space}:${key}`)
    const r = await limit(request)
    return !r.isAllowed && r.isExceeded ? { retryAfterSeconds: Math.max(1, r.ttlInSeconds) } : undefined
  }
}

export function sendTooMany(reply: FastifyReply, message: string, retryAfterSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .send({ error: { code: 'refused', message: `${message}; try again in ${retryAfterSeconds} s`, path: null } })
}

/** The onRequest hook, after authentication, that limits each API token to `perMinute` requests. */
export function tokenRateLimit(app: ApiServer, perMinute: number) {
  const limit = rateLimiter(app, 'token', perMinute)
  return async function limitTokenUse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.identity?.method !== 'token') return
    const id = TOKEN_ID.exec(request.headers.authorization ?? '')?.[1]
    if (!id) return
    const over = await limit(request, id)
    if (over)
      await sendTooMany(
        reply,
        `API token ${request.identity.tokenName ?? id} is over ${perMinute} requests a minute`,
        over.retryAfterSeconds,
      )
  }
}
