import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { OPERATIONS } from '../../src/operations/registry.js'
import { singleAppConfig } from '../helpers/configs.js'
import { ServeProcess } from './serve-process.js'

let p: SamplePlatform
let server: ServeProcess & { url: string }

// One platform and one server for the file: staff v1 known good, then a bad v2 deployed, so the monitor inside
// `serve` rolls it back while the other checks run.
beforeAll(async () => {
  p = await SamplePlatform.create({
    configText: singleAppConfig({ extra: '    triggers:\n      health: { kind: health_failures, action: rollback }\n' }),
  })
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  await p.deploy('staff', 'v2', { healthy: false })
  server = await ServeProcess.start(p)
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await p?.destroy()
})

async function metrics(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
  return res.text()
}

describe('lastgood serve', () => {
  it('answers /healthz with security headers and a request id, logged on every line of the request, credentials never', async () => {
    const res = await fetch(`${server.url}/healthz`, {
      headers: { authorization: 'Bearer tok-very-secret-1', cookie: 'session=sess-very-secret-2' },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    for (const h of [
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
    ])
      expect(res.headers.get(h), h).toBeTruthy()
    const id = res.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    // A plain id the caller sends is kept, so a request can be followed from the client into the server's log.
    const mine = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'trace-42' } })
    expect(mine.headers.get('x-request-id')).toBe('trace-42')
    const injected = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'forged", "level":50 {' } })
    expect(injected.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)

    await new Promise((r) => setTimeout(r, 100))
    const lines = server.logs().filter((l) => l.requestId === id)
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed'])
    expect(lines[0]).toMatchObject({ req: { method: 'GET', url: '/healthz', remoteAddress: '127.0.0.1' } })
    expect(lines[1]).toMatchObject({ res: { statusCode: 200 } })
    expect(server.stderr).not.toContain('tok-very-secret-1')
    expect(server.stderr).not.toContain('sess-very-secret-2')
  })

  it('serves an OpenAPI 3.1 document of its routes, with schemas that compile as JSON Schema 2020-12', async () => {
    const res = await fetch(`${server.url}/openapi.json`)
    expect(res.status).toBe(200)
    const doc: any = await res.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toMatchObject({ title: 'lastgood', version: expect.any(String) })
    // The operational routes, the session routes, and a route for every operation, its `:id` written as OpenAPI's `{id}`.
    const expected = [
      '/healthz',
      '/metrics',
      '/openapi.json',
      '/readyz',
      '/api/v1/login',
      '/api/v1/logout',
      '/api/v1/me',
      '/api/v1/events',
      '/api/v1/runs/{id}',
      ...OPERATIONS.map((op) => `/api/v1${op.path.replace(/:(\w+)/g, '{$1}')}`),
    ]
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(expected)].sort())
    const ajv = new Ajv2020({ strict: false })
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect(['get', 'post'], path).toContain(method)
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String))
        const schemas = [
          ...Object.values<any>(op.responses).map((r) => r.content?.['application/json']?.schema),
          op.requestBody?.content?.['application/json']?.schema,
          ...(op.parameters ?? []).map((x: any) => x.schema),
        ]
        for (const schema of schemas.filter(Boolean)) expect(() => ajv.compile(schema), `${method} ${path}`).not.toThrow()
      }
    }
    // An operation's input is documented: the query of a GET, the body of a POST.
    expect(doc.paths['/api/v1/snapshots'].get.parameters.map((x: any) => x.name)).toEqual(['app'])
    expect(Object.keys(doc.paths['/api/v1/snapshots'].post.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['app', 'all', 'label', 'kind', 'reason']),
    )
    const ready = doc.paths['/readyz'].get.responses
    expect(Object.keys(ready).sort()).toEqual(['200', '503'])
    expect(ready['503'].content['application/json'].schema.properties.checks.required).toEqual(['state', 'repository'])
  })

  it('exposes Prometheus metrics, every name prefixed lastgood_, and counts the rollback its monitor ran', async () => {
    // The monitor finds v2 failing (3 rounds, 1 s apart), rolls back to v1 and validates it.
    let text = ''
    const until = Date.now() + 30_000
    while (!/^lastgood_rollbacks_total\{outcome="succeeded"\} 1$/m.test(text)) {
      if (Date.now() > until) throw new Error(`no rollback counted in 30 s:\n${text}\n${server.stderr}`)
      await new Promise((r) => setTimeout(r, 250))
      text = await metrics()
    }
    const names = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]!)
    expect(names.length).toBeGreaterThan(15)
    for (const n of names) expect(n).toMatch(/^lastgood_/)
    for (const n of [
      'lastgood_rollbacks_total',
      'lastgood_rollback_duration_seconds',
      'lastgood_rollback_step_duration_seconds',
      'lastgood_trigger_state',
      'lastgood_probe_latency_seconds',
      'lastgood_incidents_open',
      'lastgood_approvals_pending',
      'lastgood_snapshot_newest_timestamp_seconds',
      'lastgood_notification_outbox_depth',
      'lastgood_monitor_last_round_timestamp_seconds',
      'lastgood_process_cpu_seconds_total',
      'lastgood_nodejs_eventloop_lag_seconds',
    ])
      expect(names, n).toContain(n)
    expect(text).toMatch(/^lastgood_rollback_duration_seconds_count\{outcome="succeeded"\} 1$/m)
    for (const step of ['verify', 'safety-snapshot', 'restore', 'validate'])
      expect(text).toMatch(new RegExp(`^lastgood_rollback_step_duration_seconds_count\\{step="${step}",status="succeeded"\\} 1$`, 'm'))
    expect(text).toMatch(/^lastgood_probe_latency_seconds_count\{app="staff",check="health"\} [1-9]\d*$/m)
    expect(text).toMatch(/^lastgood_trigger_state\{app="staff",trigger="health",state="(inactive|pending|firing|no-data)"\} 1$/m)
    expect(text).toMatch(/^lastgood_incidents_open 0$/m)
    // A platform without a decision matrix asks for none (test/e2e/monitor-approval counts one).
    expect(text).toMatch(/^lastgood_approvals_pending 0$/m)
    expect(text).toMatch(/^lastgood_notification_outbox_depth 0$/m)
    const newest = Number(/^lastgood_snapshot_newest_timestamp_seconds\{app="staff"\} (\S+)$/m.exec(text)![1])
    expect(Date.now() / 1000 - newest).toBeGreaterThan(0)
    expect(Date.now() / 1000 - newest).toBeLessThan(600)
    const lastRound = Number(/^lastgood_monitor_last_round_timestamp_seconds (\S+)$/m.exec(text)![1])
    expect(Math.abs(Date.now() / 1000 - lastRound)).toBeLessThan(5)
  }, 45_000)

  it('answers /readyz 200 while the state and the repository answer, 503 naming the repository when it is gone', async () => {
    const ok = await fetch(`${server.url}/readyz`)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ status: 'ready', checks: { state: 'ok', repository: 'ok' } })

    // Moving the directory away works as root too, where taking its permissions away would not.
    const repo = join(p.dir, '.lastgood/repo')
    await rename(repo, `${repo}.away`)
    try {
      const gone = await fetch(`${server.url}/readyz`)
      expect(gone.status).toBe(503)
      const body: any = await gone.json()
      expect(body).toMatchObject({ status: 'not ready', checks: { state: 'ok' } })
      expect(body.checks.repository).toMatch(/no repository at .*repo/)
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    } finally {
      await rename(`${repo}.away`, repo)
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
  })

  it('stops on SIGTERM when idle: exit 0 within 10 s, the monitor journaled as stopped', async () => {
    const stopped = await server.stop('SIGTERM')
    expect(stopped).toMatchObject({ code: 0, signal: null })
    expect(stopped.ms).toBeLessThan(10_000)
    expect(server.logs().some((l) => l.event === 'monitor.stopped' && String(l.msg).includes('SIGTERM'))).toBe(true)
    const log = JSON.parse((await p.cli(['--json', 'audit', 'log'])).stdout)
    expect((log.events as { action: string }[]).map((e) => e.action)).toContain('monitor.monitor.stopped')
  })
})
