import { createRequire } from 'node:module'
import type * as FastifyModule from 'fastify'
import type * as CookieModule from '@fastify/cookie'
import type * as HelmetModule from '@fastify/helmet'
import type * as RateLimitModule from '@fastify/rate-limit'
import type * as SwaggerModule from '@fastify/swagger'
import type * as ZodProviderModule from 'fastify-type-provider-zod'
import type * as PromClientModule from 'prom-client'

/**
 * The server's packages, required when `lastgood serve` imports the server and never by any other command: the
 * bundle keeps them external (scripts/bundle-cli.mjs), so the start-up of the other commands does not grow.
 */
const load = createRequire(import.meta.url)

export const { fastify, LogController } = load('fastify') as typeof FastifyModule
export const { fastifyHelmet } = load('@fastify/helmet') as typeof HelmetModule
export const { fastifyCookie } = load('@fastify/cookie') as typeof CookieModule
export const { fastifyRateLimit } = load('@fastify/rate-limit') as typeof RateLimitModule
export const { fastifySwagger } = load('@fastify/swagger') as typeof SwaggerModule
export const zodProvider = load('fastify-type-provider-zod') as typeof ZodProviderModule
export const promClient = load('prom-client') as typeof PromClientModule
