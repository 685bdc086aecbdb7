import type { IncomingMessage, ServerResponse } from 'node:http'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchema,
  HTTPMethods,
  RawServerDefault,
  RouteGenericInterface,
  RouteOptions,
} from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Access } from './access.js'

/** The server as routes see it: zod schemas validate requests and serialize replies. */
export type ApiServer = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>

type ZodRoute<S extends FastifySchema> = RouteOptions<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  RouteGenericInterface,
  unknown,
  S,
  ZodTypeProvider
>

/** One route as the table lists it: what the route × role matrix test enumerates. */
export interface RouteInfo {
  method: HTTPMethods
  url: string
  access: Access
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route added with addRoute, in order. */
    routeTable: RouteInfo[]
  }
}

/**
 * The one way a route is added: with the Access it requires (accessGuard enforces it before the body is read)
 * and its zod schemas (they validate the request, serialize the reply and make the OpenAPI document). A route
 * added any other way is refused when it is registered (see requireAccess).
 */
export function addRoute<S extends FastifySchema>(app: ApiServer, access: Access, route: ZodRoute<S> & { method: HTTPMethods }): void {
  app.routeTable.push({ method: route.method, url: route.url, access })
  app.route({ ...route, config: { ...route.config, access } })
}

/** The onRoute hook that makes addRoute the only way in; fastify's automatic HEAD routes copy their GET's config. */
export function requireAccess(route: { method: HTTPMethods | HTTPMethods[]; url: string; config?: { access?: Access } }): void {
  if (route.config?.access === undefined)
    throw new Error(`route ${String(route.method)} ${route.url} was added without an Access: use addRoute`)
}

export function routesOf(app: FastifyInstance): readonly RouteInfo[] {
  return app.routeTable
}
