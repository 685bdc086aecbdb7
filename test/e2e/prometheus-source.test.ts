import { type ChildProcess, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/demo/free-port.js'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import type { MetricQuery } from '../../src/metrics/metric-source.js'
import { PrometheusSource } from '../../src/metrics/prometheus/prometheus-source.js'
import { assertPrometheusInstalled, type RunningPrometheus, skipWithoutPrometheus, startPrometheus } from '../helpers/prometheus.js'

const SAMPLE_APP = join(PACKAGE_ROOT, 'dist/src/demo/sample-app.js')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.skipIf(skipWithoutPrometheus())('Prometheus source against a real Prometheus scraping the sample app', () => {
  let root: string
  let app: ChildProcess
  let prometheus: RunningPrometheus
  let source: PrometheusSource
  /** When the last request of the traffic was answered. */
  let trafficEnd: number

  const query = (q: Partial<MetricQuery> & Pick<MetricQuery, 'kind'>): MetricQuery => ({
    app: 'staff',
    windowMs: 6000,
    at: trafficEnd,
    ...q,
  })
  const measure = (q: Partial<MetricQuery> & Pick<MetricQuery, 'kind'>) => source.measure(query(q), AbortSignal.timeout(10_000))

  /** Until Prometheus holds a scrape of the app taken after `at`, a query at `at` may still change. */
  async function scrapedAfter(at: number): Promise<void> {
    for (;;) {
      const last = await source.measure(
        query({ kind: 'promql', expr: 'timestamp(up{job="staff"})', at: Date.now() }),
        AbortSignal.timeout(5000),
      )
      if (last.phase === 'value' && last.value * 1000 > at) return
      await sleep(200)
    }
  }

  beforeAll(async () => {
    assertPrometheusInstalled()
    root = await mkdtemp(join(tmpdir(), 'lastgood-prom-app-'))
    await mkdir(join(root, 'releases/v1'), { recursive: true })
    await writeFile(join(root, 'releases/v1/app.json'), JSON.stringify({ version: 'v1', healthy: true, latencyMs: 300, errorRate: 0.5 }))
    await symlink('releases/v1', join(root, 'current'))
    const port = await freePort()
    app = spawn(process.execPath, [SAMPLE_APP, '--root', root, '--port', String(port), '--name', 'staff'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((ok, fail) => {
      app.once('exit', (code) => fail(new Error(`sample app exited with ${code}`)))
      app.stdout!.once('data', () => ok())
    })
    prometheus = await startPrometheus({ job: 'staff', targets: [`127.0.0.1:${port}`], scrapeInterval: '1s' })
    source = new PrometheusSource({ url: prometheus.url, timeoutMs: 5000, selector: (a) => `job="${a}"` })

    const answers: Promise<unknown>[] = []
    for (const end = Date.now() + 7000; Date.now() < end; await sleep(50)) {
      answers.push(fetch(`http://127.0.0.1:${port}/api`).then((r) => r.arrayBuffer()))
    }
    await Promise.all(answers)
    trafficEnd = Date.now()
    await scrapedAfter(trafficEnd)
  })

  afterAll(async () => {
    await prometheus?.stop()
    app?.kill('SIGTERM')
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('measures the error rate and availability of real traffic', async () => {
    const errorRate = await measure({ kind: 'error_rate' })
    const availability = await measure({ kind: 'availability' })
    expect(errorRate.phase, JSON.stringify(errorRate)).toBe('value')
    expect(availability.phase, JSON.stringify(availability)).toBe('value')
    if (errorRate.phase !== 'value' || availability.phase !== 'value') return
    // A coin per request, and the samples in a 6 s window span about 100 of them: ± 0.2 is four standard
    // deviations.
    expect(errorRate.value).toBeGreaterThan(0.3)
    expect(errorRate.value).toBeLessThan(0.7)
    expect(availability.value).toBeCloseTo(1 - errorRate.value, 9)
  })

  it('measures a latency percentile in milliseconds from the histogram', async () => {
    const p95 = await measure({ kind: 'latency', percentile: 95 })
    expect(p95.phase, JSON.stringify(p95)).toBe('value')
    if (p95.phase !== 'value') return
    // Every request takes a little over 300 ms, so all fall in the (0.25 s, 0.5 s] bucket.
    expect(p95.value).toBeGreaterThan(250)
    expect(p95.value).toBeLessThanOrEqual(500)
  })

  it('runs a PromQL expression: the largest sample of a vector, or a scalar', async () => {
    const rate = await measure({ kind: 'promql', expr: 'sum(rate(http_requests_total{job="staff"}[6s]))' })
    expect(rate).toMatchObject({ phase: 'value', series: 1 })
    if (rate.phase === 'value') expect(rate.value).toBeGreaterThan(10)
    const byCode = await measure({ kind: 'promql', expr: 'http_requests_total{job="staff"}' })
    expect(byCode).toMatchObject({ phase: 'value', series: 2 })
    expect(await measure({ kind: 'promql', expr: '2 * 3' })).toEqual({ phase: 'value', value: 6 })
  })

  it('reports no-data for a metric or an app without series', async () => {
    expect(await measure({ kind: 'promql', expr: 'no_such_metric_total{job="staff"}' })).toEqual({
      phase: 'no-data',
      reason: 'empty result',
    })
    for (const kind of ['error_rate', 'availability', 'latency'] as const) {
      const m = await measure({ kind, app: 'nobody', percentile: 95 })
      expect(m.phase, JSON.stringify(m)).toBe('no-data')
      if (m.phase === 'no-data') expect(m.reason).toContain('job="nobody"')
    }
  })

  it('reports no-data for a window in which no request was served (0/0)', async () => {
    const at = trafficEnd + 3500
    await sleep(at - Date.now())
    await scrapedAfter(at)
    for (const kind of ['error_rate', 'availability', 'latency'] as const) {
      expect(await measure({ kind, at, windowMs: 2000, percentile: 95 })).toEqual({
        phase: 'no-data',
        reason: 'no requests in the last 2s',
      })
    }
  })

  it("fails with Prometheus' own message for an expression it rejects", async () => {
    const m = await measure({ kind: 'promql', expr: 'sum(rate(http_requests_total[1m]' })
    expect(m.phase).toBe('error')
    if (m.phase === 'error') expect(m.error).toMatch(/rejected the query: bad_data: .*parse error/)
    const range = await measure({ kind: 'promql', expr: 'http_requests_total[1m]' })
    expect(range).toEqual({
      phase: 'error',
      error: `Prometheus at ${prometheus.url} answered a matrix; a trigger needs an instant vector or a scalar`,
    })
  })

  it('fails, without throwing, when Prometheus cannot be reached', async () => {
    const nowhere = new PrometheusSource({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000, selector: (a) => `job="${a}"` })
    const m = await nowhere.measure(query({ kind: 'error_rate' }), AbortSignal.timeout(5000))
    expect(m.phase).toBe('error')
    if (m.phase === 'error') expect(m.error).toMatch(/could not be queried: ECONNREFUSED/)
  })
})
