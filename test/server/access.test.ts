import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsonLogger } from '../../src/core/logger.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import type { Identity } from '../../src/auth/identity.js'
import type { Authenticator } from '../../src/server/access.js'
import { BODY_LIMIT, buildServer } from '../../src/server/build-server.js'
import { REQUEST_LOG } from '../../src/server/request-log.js'
import { addRoute, type ApiServer, routesOf } from '../../src/server/route.js'
import { createServerMetrics } from '../../src/server/server-metrics.js'
import { singleAppConfig } from '../helpers/configs.js'

let sample: SamplePlatform
let p: Platform

beforeAll(async () => {
  sample = await SamplePlatform.create({ configText: singleAppConfig() })
  expect((await sample.cli(['init'])).code).toBe(0)
  p = await withEnv(sample.env, () => openPlatform(sample.configFile))
})

afterAll(async () => {
  await p?.close()
  await sample?.destroy()
})

/** Two tokens: ann may read, bob may read and roll back. */
const holders: Record<string, Identity & { permissions: string[] }> = {
  'Bearer ann-token': { subject: 'ann', method: 'token', role: 'viewer', permissions: ['read'] },
  'Bearer bob-token': { subject: 'bob', method: 'token', role: 'operator', permissions: ['read', 'rollback'] },
}
const tokens: Authenticator = {
  authenticate: async (request) => holders[request.headers.authorization ?? ''] ?? null,
  allows: (identity, permission) => holders[`Bearer ${identity.subject}-token`]!.permissions.includes(permission),
}

/** The server of `serve`, in process, with two API routes added the one way routes are added. */
async function server(authenticator?: Authenticator): Promise<ApiServer> {
  const app = await buildServer({ platform: p, metrics: createServerMetrics(p), logger: jsonLogger('silent', REQUEST_LOG), authenticator })
  addRoute(
    app,
    { permission: 'read' },
    {
      method: 'GET',
      url: '/api/v1/whoami',
      schema: { response: { 200: z.object({ subject: z.string() }) } },
      handler: async (request) => ({ subject: request.identity!.subject }),
    },
  )
  addRoute(
    app,
    { permission: 'rollback' },
    {
      method: 'POST',
      url: '/api/v1/rollbacks',
      schema: { body: z.object({ reason: z.string().min(1) }) },
      handler: async (request) => ({ accepted: request.body.reason }),
    },
  )
  addRoute(app, 'public', {
    method: 'GET',
    url: '/boom',
    handler: async () => {
      throw new Error('database password=hunter2 rejected')
    },
  })
  await app.ready()
  return app
}

const bob = { authorization: 'Bearer bob-token' }

describe('the server seam: addRoute, Access and the authenticator', () => {
  it('answers 401 without valid credentials, 403 without the permission, and runs the handler with the identity otherwise', async () => {
    const app = await server(tokens)
    expect((await app.inject({ url: '/api/v1/whoami' })).statusCode).toBe(401)
    expect((await app.inject({ url: '/api/v1/whoami', headers: { authorization: 'Bearer forged' } })).statusCode).toBe(401)
    const ann = await app.inject({ url: '/api/v1/whoami', headers: { authorization: 'Bearer ann-token' } })
    expect(ann.statusCode).toBe(200)
    expect(ann.json()).toEqual({ subject: 'ann' })
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/rollbacks',
      headers: { authorization: 'Bearer ann-token' },
      payload: { reason: 'x' },
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('"rollback"'), path: null } })
    const done = await app.inject({ method: 'POST', url: '/api/v1/rollbacks', headers: bob, payload: { reason: 'bad deploy' } })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toEqual({ accepted: 'bad deploy' })
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200)
    await app.close()
  })

  it('checks access before it reads the body: a bad or oversized body from a stranger is a 401, from a holder a 400 naming the field or a 413', async () => {
    const app = await server(tokens)
    const big = JSON.stringify({ reason: 'x'.repeat(BODY_LIMIT) })
    expect((await app.inject({ method: 'POST', url: '/api/v1/rollbacks', payload: { reason: 7 } })).statusCode).toBe(401)
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/rollbacks', payload: big, headers: { 'content-type': 'application/json' } }))
        .statusCode,
    ).toBe(401)
    const bad = await app.inject({ method: 'POST', url: '/api/v1/rollbacks', headers: bob, payload: { reason: 7 } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'usage', message: expect.stringMatching(/^reason: /), path: 'reason' })
    const tooBig = await app.inject({
      method: 'POST',
      url: '/api/v1/rollbacks',
      headers: { ...bob, 'content-type': 'application/json' },
      payload: big,
    })
    expect(tooBig.statusCode).toBe(413)
    await app.close()
  })

  it('without an authenticator (none configured yet) every route that is not public answers 401', async () => {
    const app = await server()
    expect((await app.inject({ url: '/api/v1/whoami', headers: bob })).statusCode).toBe(401)
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200)
    await app.close()
  })

  it('lists every route with its Access, and refuses a route added any other way', async () => {
    const app = await buildServer({ platform: p, metrics: createServerMetrics(p), logger: jsonLogger('silent', REQUEST_LOG) })
    expect(routesOf(app)).toEqual([
      { method: 'GET', url: '/healthz', access: 'public' },
      { method: 'GET', url: '/readyz', access: 'public' },
      { method: 'GET', url: '/metrics', access: 'public' },
      { method: 'GET', url: '/openapi.json', access: 'public' },
    ])
    expect(() => app.get('/sneaky', async () => 'hi')).toThrow(/added without an Access: use addRoute/)
    await app.close()
  })

  it('answers a server fault 500 with its request id, never its message', async () => {
    const app = await server(tokens)
    const res = await app.inject({ url: '/boom' })
    expect(res.statusCode).toBe(500)
    expect(res.body).not.toContain('hunter2')
    expect(res.json()).toEqual({
      error: { code: 'internal', message: expect.stringContaining(res.headers['x-request-id'] as string), path: null },
    })
    await app.close()
  })
})
