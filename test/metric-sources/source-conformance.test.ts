import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Measurement } from '../../src/metrics/metric-source.js'
import { sourceKinds } from '../../src/metrics/source-registry.js'
import { assertPrometheusInstalled } from '../helpers/prometheus.js'
import { SourceServers, sourceFixtures } from './source-fixtures.js'

/**
 * The contract of every metric source (metrics/metric-source.ts), run against each kind in the registry,
 * made through its factory, with real servers: measure() never throws (a failure is phase `error`), missing
 * data is phase `no-data`, and an abort settles the measurement within 100 ms.
 */

const ABORT_MS = 100

let servers: SourceServers | undefined
beforeAll(async () => {
  assertPrometheusInstalled()
  servers = await SourceServers.start()
})
afterAll(() => servers?.stop())

const fixtures = sourceFixtures(() => servers!)

it('every registered source kind has conformance cases', () => {
  expect(Object.keys(fixtures).sort()).toEqual([...sourceKinds].sort())
})

describe.each(sourceKinds)('%s source conformance', (kind) => {
  const fixture = fixtures[kind]

  it('reports no-data when there is nothing to measure', async () => {
    for (const [what, source, q] of fixture.noData()) {
      const m = await source.measure(q, AbortSignal.timeout(10_000))
      expect({ what, phase: m.phase }).toEqual({ what, phase: 'no-data' })
      expect((m as Extract<Measurement, { phase: 'no-data' }>).reason).not.toBe('')
    }
  })

  it('never throws: every failure is a measurement in phase error', async () => {
    const cases = fixture.failures()
    expect(cases.length).toBeGreaterThan(0)
    await Promise.all(
      cases.map(async ([what, source, q]) => {
        const m = await source.measure(q, AbortSignal.timeout(10_000))
        expect({ what, phase: m.phase }).toEqual({ what, phase: 'error' })
        expect((m as Extract<Measurement, { phase: 'error' }>).error).not.toBe('')
      }),
    )
  })

  it(`settles within ${ABORT_MS} ms of an abort`, async () => {
    const {
      case: [, source, q],
      waits,
    } = fixture.pending()
    const abort = new AbortController()
    let settledAt: number | undefined
    const measured = source.measure(q, abort.signal).then((m) => {
      settledAt = performance.now()
      return m
    })
    await new Promise((r) => setTimeout(r, 50))
    const abortedAt = performance.now()
    abort.abort(new Error('monitor stopping'))
    const m = await measured
    expect(Math.max(0, settledAt! - abortedAt)).toBeLessThan(ABORT_MS)
    // One that was still waiting ends as a failed measurement, not as a value made up of nothing.
    if (waits) expect({ settledAt: settledAt! >= abortedAt, phase: m.phase }).toEqual({ settledAt: true, phase: 'error' })
    else expect(['value', 'no-data', 'error']).toContain(m.phase)
  })
})
