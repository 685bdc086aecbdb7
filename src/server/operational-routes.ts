import { z } from 'zod'
import type { Platform } from '../platform/platform.js'
import { readiness } from './readiness.js'
import { addRoute, type ApiServer } from './route.js'
import type { ServerMetrics } from './server-metrics.js'

const Health = z.object({ status: z.literal('ok') })

const Ready = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.object({
    state: z.string().describe('`ok`, or what is wrong with the state database'),
    repository: z.string().describe('`ok`, or what is wrong with the repository'),
  }),
})

/** What a load balancer, a service manager and Prometheus ask: public, and no secret in any answer. */
export function addOperationalRoutes(app: ApiServer, p: Platform, metrics: ServerMetrics): void {
  addRoute(app, 'public', {
    method: 'GET',
    url: '/healthz',
    schema: { summary: 'Liveness: 200 while the process serves', tags: ['operations'], response: { 200: Health } },
    handler: async () => ({ status: 'ok' as const }),
  })
  addRoute(app, 'public', {
    method: 'GET',
    url: '/readyz',
    schema: {
      summary: 'Readiness: 200 when the state database answers and the repository is reachable, else 503 naming what is not',
      tags: ['operations'],
      response: { 200: Ready, 503: Ready },
    },
    handler: async (_request, reply) => {
      const r = await readiness(p)
      return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks })
    },
  })
  addRoute(app, 'public', {
    method: 'GET',
    url: '/metrics',
    schema: { summary: 'Prometheus metrics, every name prefixed `lastgood_`', tags: ['operations'] },
    handler: async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  })
  addRoute(app, 'public', {
    method: 'GET',
    url: '/openapi.json',
    schema: { summary: 'This OpenAPI 3.1 document, generated from the schemas the routes validate with', tags: ['operations'] },
    handler: async () => app.swagger(),
  })
}
