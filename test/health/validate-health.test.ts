import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { ResolvedApp } from '../../src/config/types.js'
import { freePort } from '../../src/demo/free-port.js'
import { probeCheck, probeHealth } from '../../src/health/probe-health.js'
import { validateHealth } from '../../src/health/validate-health.js'
import { listenOnBadPort } from '../helpers/bad-port.js'

let server: Server | undefined
afterEach(
  () =>
    new Promise<void>((ok) => {
      if (!server) return ok()
      server.closeAllConnections()
      server.close(() => ok())
    }),
)

/** A real HTTP server answering /health with the given status sequence (the last one repeats). */
async function serve(statuses: number[], delayMs = 0): Promise<string> {
  let i = 0
  server = createServer((_req, res) => {
    const status = statuses[Math.min(i++, statuses.length - 1)]!
    setTimeout(() => res.writeHead(status).end(status === 200 ? 'ok' : 'down'), delayMs)
  })
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`
}

function app(url: string | null, validation = { windowMs: 3000, passes: 3, intervalMs: 50 }): ResolvedApp {
  return {
    name: 'staff',
    priority: 1,
    components: [],
    retention: { keepLast: 10, keepWithinMs: 0 },
    health: {
      intervalMs: 1000,
      timeoutMs: 500,
      failures: 3,
      checks: url ? [{ name: 'health', url, method: 'GET', expectStatus: [200], timeoutMs: 500 }] : [],
    },
    rollback: { timeoutMs: 60_000, validation },
    triggers: [],
    approvals: 1,
    prometheusSelector: 'job="probe"',
  }
}

const never = new AbortController().signal

describe('validation after a restore', () => {
  it('passes after N consecutive passes; a failure resets the streak', async () => {
    const url = await serve([200, 503, 200, 200, 200])
    const v = await validateHealth(app(url), never)
    expect(v).toMatchObject({ outcome: 'passed', rounds: 5, consecutivePasses: 3 })
  })

  it('fails when the window ends before the streak', async () => {
    const url = await serve([503])
    const v = await validateHealth(app(url, { windowMs: 400, passes: 3, intervalMs: 100 }), never)
    expect(v.outcome).toBe('failed')
    expect(v.elapsedMs).toBeLessThanOrEqual(600)
    expect(v.lastRound?.probes[0]?.error).toContain('status 503')
  })

  it('an app without checks is unchecked, never healthy', async () => {
    expect((await validateHealth(app(null), never)).outcome).toBe('unchecked')
  })

  it('a probe never throws: timeouts and refused connections are results', async () => {
    const slow = await serve([200], 1000)
    const timedOut = await probeCheck({ name: 'slow', url: slow, method: 'GET', expectStatus: [200], timeoutMs: 100 })
    expect(timedOut).toMatchObject({ ok: false, error: 'timed out after 100 ms' })
    const refused = await probeCheck({
      name: 'gone',
      url: `http://127.0.0.1:${await freePort()}/health`,
      method: 'GET',
      expectStatus: [200],
      timeoutMs: 500,
    })
    expect(refused).toMatchObject({ ok: false, error: 'ECONNREFUSED' })
  })
})

describe('the probe client has no browser restrictions', () => {
  it('a service on a port browsers block (6000, 10080, …) is probed healthy, its body read', async () => {
    server = createServer((_req, res) => res.writeHead(200).end('all ok'))
    const port = await listenOnBadPort(server)
    const check = {
      name: 'x11-port',
      url: `http://127.0.0.1:${port}/health`,
      method: 'GET' as const,
      expectStatus: [200],
      expectBody: 'ok',
      timeoutMs: 2000,
    }
    expect(await probeCheck(check)).toMatchObject({ check: 'x11-port', ok: true, status: 200 })
    expect((await probeHealth({ intervalMs: 1000, timeoutMs: 2000, failures: 3, checks: [check] })).state).toBe('passed')
  })

  it('a redirect is the answer, not followed; HEAD reads no body; a compressed body is read decompressed', async () => {
    const seen: string[] = []
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/moved') return res.writeHead(302, { location: '/health' }).end()
      if (req.url === '/gzip') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('status: healthy'))
      res.writeHead(204).end()
    })
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const check = (path: string, over: object = {}) =>
      probeCheck({ name: 'c', url: base + path, method: 'GET', expectStatus: [200], timeoutMs: 2000, ...over })
    expect(await check('/moved')).toMatchObject({ ok: false, status: 302, error: 'status 302, expected 200' })
    expect(await check('/moved', { expectStatus: [302] })).toMatchObject({ ok: true, status: 302 })
    expect(await check('/head', { method: 'HEAD', expectStatus: [204] })).toMatchObject({ ok: true, status: 204 })
    expect(await check('/gzip', { expectBody: 'healthy' })).toMatchObject({ ok: true, status: 200 })
    expect(seen).toEqual(['GET /moved', 'GET /moved', 'HEAD /head', 'GET /gzip'])
  })

  it('user:password@ in a check URL is sent as basic authentication, and appears in no result', async () => {
    let authorization: string | undefined
    server = createServer((req, res) => {
      authorization = req.headers.authorization
      res.writeHead(authorization ? 200 : 401).end()
    })
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok))
    const url = `http://probe:s3cr%40t@127.0.0.1:${(server.address() as AddressInfo).port}/health`
    const result = await probeCheck({ name: 'auth', url, method: 'GET', expectStatus: [200], timeoutMs: 2000 })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(authorization).toBe(`Basic ${Buffer.from('probe:s3cr@t').toString('base64')}`)
    expect(JSON.stringify(result)).not.toContain('s3cr')
  })
})
