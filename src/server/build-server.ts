import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { packageVersion } from '../core/package-root.js'
import type { Platform } from '../platform/platform.js'
import { accessGuard, type Authenticator } from './access.js'
import { replyWithError } from './error-reply.js'
import { addOperationalRoutes } from './operational-routes.js'
import { type ApiServer, requireAccess } from './route.js'
import type { ServerMetrics } from './server-metrics.js'
import { tokenRateLimit } from './rate-limits.js'
import { fastify, fastifyCookie, fastifyHelmet, fastifyRateLimit, LogController, fastifySwagger, zodProvider } from './server-packages.js'

/** Requests larger than this are refused with 413 before they are parsed: the API takes small JSON documents. */
export const BODY_LIMIT = 64 * 1024

/** A caller's own x-request-id is kept when it is this plain (it is logged and echoed); otherwise a new one. */
const CALLER_REQUEST_ID = /^[\w.:-]{1,64}$/

export interface ServerOptions {
  platform: Platform
  metrics: ServerMetrics
  logger: FastifyBaseLogger
  https?: { cert: Buffer; key: Buffer }
  /** Absent until authentication is configured: then every route that is not public answers 401. */
  authenticator?: Authenticator
}

/**
 * The HTTP server of `lastgood serve`, to which more routes may be added before it listens: zod schemas validate requests, serialize replies and
 * make the OpenAPI 3.1 document (`/openapi.json`); helmet's security headers; a body limit; a request id on every
 * log line and in the `x-request-id` header; each route's Access enforced before its body is read. Routes are
 * added with addRoute (route.ts); the ones here are the operational ones. Testable in-process with inject().
 */
export async function buildServer(o: ServerOptions): Promise<ApiServer> {
  const app = fastify({
    loggerInstance: o.logger,
    bodyLimit: BODY_LIMIT,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID()
    },
    ...(o.https ? { https: o.https } : {}),
  }).withTypeProvider<ZodTypeProvider>() as unknown as ApiServer
  app.setValidatorCompiler(zodProvider.validatorCompiler)
  app.setSerializerCompiler(zodProvider.serializerCompiler)
  app.decorate('routeTable', [])
  app.addHook('onRoute', requireAccess)
  app.addHook('onRequest', async (request, reply) => void reply.header('x-request-id', request.id))
  // Cookies are parsed before the guard reads the session cookie; the limiters are made, not hooked, here.
  await app.register(fastifyCookie)
  await app.register(fastifyRateLimit, { global: false })
  app.addHook('onRequest', accessGuard(o.authenticator))
  app.addHook('onRequest', tokenRateLimit(app, o.platform.config.auth.rateLimits.tokenPerMinute))
  app.setErrorHandler(replyWithError)
  await app.register(fastifyHelmet)
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'lastgood', version: packageVersion(), description: 'The HTTP API of `lastgood serve`' },
    },
    transform: zodProvider.jsonSchemaTransform,
  })
  addOperationalRoutes(app, o.platform, o.metrics)
  return app
}
