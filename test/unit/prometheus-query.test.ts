import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { promDuration, prometheusQuery, PrometheusSource } from '../../src/metrics/prometheus/prometheus-source.js'
import { listenOnBadPort } from '../helpers/bad-port.js'

describe('prometheusQuery', () => {
  const sel = 'job="staff"'

  it('divides the error rate, falling back to 0 errors when there are no error series', () => {
    expect(prometheusQuery({ kind: 'error_rate', windowMs: 60_000 }, sel)).toBe(
      '(sum(rate(http_requests_total{job="staff",code=~"5.."}[60s])) or vector(0)) / sum(rate(http_requests_total{job="staff"}[60s]))',
    )
  })

  it('takes availability as one minus the error rate', () => {
    expect(prometheusQuery({ kind: 'availability', windowMs: 300_000 }, sel)).toBe(
      '1 - ((sum(rate(http_requests_total{job="staff",code=~"5.."}[300s])) or vector(0)) / sum(rate(http_requests_total{job="staff"}[300s])))',
    )
  })

  it('reads a latency percentile from the histogram buckets', () => {
    expect(prometheusQuery({ kind: 'latency', windowMs: 600_000, percentile: 95 }, sel)).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="staff"}[600s])))',
    )
    expect(prometheusQuery({ kind: 'latency', windowMs: 60_000, percentile: 99.9 }, sel)).toContain('histogram_quantile(0.999,')
  })

  it('runs a promql expression as written', () => {
    expect(prometheusQuery({ kind: 'promql', windowMs: 0, expr: 'up{job="x"} == 0' }, sel)).toBe('up{job="x"} == 0')
    expect(() => prometheusQuery({ kind: 'promql', windowMs: 0 }, sel)).toThrow(/needs an expression/)
  })

  it('uses the configured names and quotes the error pattern as a PromQL string', () => {
    const q = prometheusQuery({ kind: 'error_rate', windowMs: 1500 }, 'service="api", env="prod",', {
      requestsMetric: 'api_requests',
      durationMetric: 'api_seconds',
      errorStatus: '5\\d\\d|"429"',
    })
    expect(q).toBe(
      '(sum(rate(api_requests{service="api", env="prod",code=~"5\\\\d\\\\d|\\"429\\""}[1500ms])) or vector(0)) / sum(rate(api_requests{service="api", env="prod"}[1500ms]))',
    )
    expect(prometheusQuery({ kind: 'latency', windowMs: 60_000, percentile: 50 }, '', { durationMetric: 'api_seconds' })).toBe(
      'histogram_quantile(0.5, sum by (le) (rate(api_seconds_bucket[60s])))',
    )
    expect(prometheusQuery({ kind: 'error_rate', windowMs: 60_000 }, '')).toBe(
      '(sum(rate(http_requests_total{code=~"5.."}[60s])) or vector(0)) / sum(rate(http_requests_total[60s]))',
    )
  })

  it('writes windows as PromQL durations', () => {
    expect(promDuration(60_000)).toBe('60s')
    expect(promDuration(1000)).toBe('1s')
    expect(promDuration(250)).toBe('250ms')
    expect(promDuration(90_500)).toBe('90500ms')
  })
})

describe('PrometheusSource answers', () => {
  let server: Server | undefined
  afterEach(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())))

  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    server = createServer(handler)
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok))
    return `127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  const q = { app: 'staff', kind: 'error_rate', windowMs: 60_000, at: 1_700_000_000_123 } as const
  const source = (url: string, timeoutMs = 2000) => new PrometheusSource({ url, timeoutMs, selector: (a) => `job="${a}"` })
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  it('sends the query and time, and credentials from the URL as basic authentication', async () => {
    let seen: { url?: string; authorization?: string } = {}
    const host = await serve((req, res) => {
      seen = { url: req.url, authorization: req.headers.authorization }
      json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1_700_000_000.123, '0.25'] }] } })
    })
    expect(await source(`http://alice:s3cr%40t@${host}/prom/`).measure(q, AbortSignal.timeout(5000))).toEqual({
      phase: 'value',
      value: 0.25,
    })
    const url = new URL(seen.url!, 'http://x')
    expect(url.pathname).toBe('/prom/api/v1/query')
    expect(url.searchParams.get('time')).toBe('1700000000.123')
    expect(url.searchParams.get('query')).toContain('http_requests_total{job="staff",code=~"5.."}[60s]')
    expect(seen.authorization).toBe(`Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`)
  })

  it('reports HTTP errors, foreign text and timeouts as errors, never with the credentials', async () => {
    let answer: (res: ServerResponse) => void = () => undefined
    const host = await serve((_req, res) => answer(res))
    const s = source(`http://alice:s3cret@${host}`, 300)
    const measure = () => s.measure(q, AbortSignal.timeout(5000))

    answer = (res) => json(res, 422, { status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' })
    expect(await measure()).toEqual({
      phase: 'error',
      error: `Prometheus at http://${host} rejected the query: execution: many-to-many matching not allowed`,
    })
    answer = (res) => res.writeHead(502, 'Bad Gateway').end('<html>bad gateway</html>')
    expect(await measure()).toEqual({ phase: 'error', error: `Prometheus at http://${host} answered HTTP 502 Bad Gateway` })
    answer = (res) => res.writeHead(200).end('<html>login</html>')
    expect(await measure()).toEqual({ phase: 'error', error: `Prometheus at http://${host} answered with something that is not JSON` })
    answer = (res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: 'none' } })
    expect(await measure()).toEqual({ phase: 'error', error: `Prometheus at http://${host} answered with a result it could not read` })
    answer = () => undefined
    expect(await measure()).toEqual({ phase: 'error', error: `Prometheus at http://${host} did not answer within 300 ms` })
  })

  it('queries a Prometheus listening on a port browsers block (6000, 10080, …)', async () => {
    server = createServer((_req, res) => json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [1, '0.5'] } }))
    const port = await listenOnBadPort(server)
    expect(await source(`http://127.0.0.1:${port}`).measure(q, AbortSignal.timeout(5000))).toEqual({ phase: 'value', value: 0.5 })
  })

  it('reports a cancelled measurement as cancelled', async () => {
    const host = await serve(() => undefined)
    const controller = new AbortController()
    const pending = source(`http://${host}`).measure(q, controller.signal)
    controller.abort()
    expect(await pending).toEqual({ phase: 'error', error: 'measurement cancelled' })
  })

  it('ignores NaN samples and takes the largest of the rest', async () => {
    const host = await serve((_req, res) =>
      json(res, 200, {
        status: 'success',
        data: { resultType: 'vector', result: ['NaN', '3', '+Inf', '7'].map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })) },
      }),
    )
    const m = await source(`http://${host}`).measure({ ...q, kind: 'promql', expr: 'x' }, AbortSignal.timeout(5000))
    expect(m).toEqual({ phase: 'value', value: Infinity, series: 4 })
  })
})
