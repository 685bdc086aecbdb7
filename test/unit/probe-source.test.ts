import { describe, expect, it } from 'vitest'
import type { MetricQuery, MetricSource } from '../../src/metrics/metric-source.js'
import type { HealthRound, ProbeResult } from '../../src/health/probe-health.js'
import { ProbeHistory, ProbeSource } from '../../src/metrics/probes/probe-source.js'

const S = 1000
const MIN = 60 * S
const T0 = Date.UTC(2025, 0, 1)
const never = new AbortController().signal

/** Probe results as probeCheck makes them. */
const ok = (latencyMs = 10, check = 'health'): ProbeResult => ({ check, ok: true, status: 200, latencyMs })
const bad = (latencyMs = 10, check = 'health'): ProbeResult => ({
  check,
  ok: false,
  status: 503,
  latencyMs,
  error: 'status 503, expected 200',
})
const refused = (latencyMs = 1, check = 'health'): ProbeResult => ({ check, ok: false, latencyMs, error: 'ECONNREFUSED' })
const timedOut = (latencyMs = 500, check = 'health'): ProbeResult => ({ check, ok: false, latencyMs, error: 'timed out after 500 ms' })

/** A round at `at` ms; its state follows from its probes as probeHealth decides it. */
function round(at: number, probes: ProbeResult[]): HealthRound {
  return {
    state: probes.length === 0 ? 'unknown' : probes.every((p) => p.ok) ? 'passed' : 'failed',
    at: new Date(at).toISOString(),
    probes,
  }
}

function history(rounds: [number, ProbeResult[]][], keepMs = 10 * MIN, keepRequests = 0): ProbeHistory {
  const h = new ProbeHistory(keepMs, keepRequests)
  for (const [at, probes] of rounds) h.add(round(at, probes), at)
  return h
}

const q = (over: Partial<MetricQuery>): MetricQuery => ({ app: 'staff', kind: 'error_rate', windowMs: MIN, at: T0, ...over })

/** Typed as the monitor sees it, a MetricSource. */
function source(h: ProbeHistory | undefined, app = 'staff'): MetricSource {
  return new ProbeSource((name) => (name === app ? h : undefined))
}

describe('ProbeHistory', () => {
  it('a window excludes its start and includes its end', () => {
    const h = history([
      [T0 - 2 * S, [ok()]],
      [T0 - S, [ok()]],
      [T0, [ok()]],
      [T0 + S, [ok()]],
    ])
    expect(h.within(T0 - 2 * S, T0).map((s) => s.at)).toEqual([T0 - S, T0])
    expect(h.within(T0 - 3 * S, T0 + S).map((s) => s.at)).toEqual([T0 - 2 * S, T0 - S, T0, T0 + S])
    expect(h.within(T0, T0)).toEqual([])
    expect(h.within(T0 + S, T0 + 10 * S)).toEqual([])
  })

  it('keeps for each round whether it passed and, per request, ok, latency and whether it was answered', () => {
    const h = history([
      [T0, [ok(12), bad(30), refused(2), timedOut(500)]],
      [T0 + S, [ok(5)]],
    ])
    expect(h.within(T0 - 1, T0 + S)).toEqual([
      {
        at: T0,
        passed: false,
        requests: [
          { ok: true, latencyMs: 12, answered: true },
          { ok: false, latencyMs: 30, answered: true },
          { ok: false, latencyMs: 2, answered: false },
          { ok: false, latencyMs: 500, answered: true },
        ],
      },
      { at: T0 + S, passed: true, requests: [{ ok: true, latencyMs: 5, answered: true }] },
    ])
  })

  it('uses the time it is given, not the round`s own', () => {
    const h = new ProbeHistory(MIN, 0)
    h.add(round(T0, [ok()]), T0 + 30 * S)
    expect(h.within(T0, T0 + 29 * S)).toEqual([])
    expect(h.within(T0 + 29 * S, T0 + 30 * S)).toHaveLength(1)
  })

  it('the last N requests run across rounds, newest first', () => {
    const h = history([
      [T0, [ok(1, 'a'), ok(2, 'b')]],
      [T0 + S, [bad(3, 'a'), ok(4, 'b')]],
      [T0 + 2 * S, [ok(5, 'a'), bad(6, 'b')]],
    ])
    expect(h.lastRequests(3).map((r) => r.latencyMs)).toEqual([6, 5, 4])
    expect(h.lastRequests(5).map((r) => r.latencyMs)).toEqual([6, 5, 4, 3, 2])
    expect(h.lastRequests(100).map((r) => r.latencyMs)).toEqual([6, 5, 4, 3, 2, 1])
    expect(h.lastRequests(0)).toEqual([])
    expect(h.lastRequests(2).map((r) => r.ok)).toEqual([false, true])
  })

  it('the last N requests skip rounds without requests', () => {
    const h = history([
      [T0, [ok(1)]],
      [T0 + S, []],
      [T0 + 2 * S, [ok(3)]],
    ])
    expect(h.lastRequests(2).map((r) => r.latencyMs)).toEqual([3, 1])
  })

  it('trims rounds older than the longest window', () => {
    const h = history(
      Array.from({ length: 11 }, (_, i): [number, ProbeResult[]] => [T0 + i * MIN, [ok(i)]]),
      5 * MIN,
      0,
    )
    // The newest is at T0 + 10 min; a 5 min window ending there starts (exclusive) at T0 + 5 min.
    expect(h.within(-Infinity, Infinity).map((s) => (s.at - T0) / MIN)).toEqual([6, 7, 8, 9, 10])
    expect(h.lastRequests(100)).toHaveLength(5)
  })

  it('drops a round exactly one keep-span old, as a window of that span excludes its start', () => {
    // The monitor keeps at least one health interval: rounds one interval apart keep only the newest.
    const h = history(
      [
        [T0, [ok(1)]],
        [T0 + S, [ok(2)]],
        [T0 + 2 * S, [ok(3)]],
      ],
      S,
      0,
    )
    expect(h.within(-Infinity, Infinity).map((s) => s.at)).toEqual([T0 + 2 * S])
    const h2 = history(
      [
        [T0, [ok(1)]],
        [T0 + S, [ok(2)]],
        [T0 + 2 * S - 1, [ok(3)]],
      ],
      S,
      0,
    )
    expect(h2.within(-Infinity, Infinity).map((s) => s.at)).toEqual([T0 + S, T0 + 2 * S - 1])
  })

  it('keeps older rounds while the largest N needs their requests', () => {
    // Two requests a round, 5 requests needed: the newest three rounds (6 requests), whatever their age.
    const rounds = Array.from({ length: 6 }, (_, i): [number, ProbeResult[]] => [T0 + i * MIN, [ok(2 * i), ok(2 * i + 1)]])
    const h = history(rounds, S, 5)
    expect(h.within(-Infinity, Infinity).map((s) => (s.at - T0) / MIN)).toEqual([3, 4, 5])
    expect(h.lastRequests(5).map((r) => r.latencyMs)).toEqual([11, 10, 9, 8, 7])
  })

  it('keeps whichever is more: the window or the last N', () => {
    // A round every second, one request each; a 10 s window keeps 10 rounds, N = 3 keeps 3: 10 it is.
    const rounds = Array.from({ length: 30 }, (_, i): [number, ProbeResult[]] => [T0 + i * S, [ok(i)]])
    expect(history(rounds, 10 * S, 3).within(-Infinity, Infinity)).toHaveLength(10)
    // N = 20 keeps 20 rounds although the window needs only 10.
    const h = history(rounds, 10 * S, 20)
    expect(h.within(-Infinity, Infinity)).toHaveLength(20)
    expect(h.lastRequests(20).map((r) => r.latencyMs)).toEqual(Array.from({ length: 20 }, (_, i) => 29 - i))
  })

  it('clear() forgets every round', () => {
    const h = history(
      [
        [T0, [ok()]],
        [T0 + S, [bad()]],
      ],
      MIN,
      10,
    )
    h.clear()
    expect(h.within(-Infinity, Infinity)).toEqual([])
    expect(h.lastRequests(10)).toEqual([])
    h.add(round(T0 + 2 * S, [ok(7)]), T0 + 2 * S)
    expect(h.lastRequests(10).map((r) => r.latencyMs)).toEqual([7])
  })
})

describe('ProbeSource', () => {
  it('an app without a history has no data', async () => {
    const m = await source(undefined).measure(q({ app: 'nobody' }), never)
    expect(m).toEqual({ phase: 'no-data', reason: 'no probe history for nobody' })
  })

  it('reads the history of the app it is asked about', async () => {
    const h = history([[T0, [bad()]]])
    expect(await source(h, 'staff').measure(q({ app: 'staff' }), never)).toMatchObject({ phase: 'value', value: 1 })
    expect((await source(h, 'staff').measure(q({ app: 'other' }), never)).phase).toBe('no-data')
  })

  it('PromQL is an error: it needs the Prometheus source', async () => {
    const m = await source(history([[T0, [ok()]]])).measure(q({ kind: 'promql', expr: 'up' }), never)
    expect(m).toEqual({ phase: 'error', error: 'PromQL needs the Prometheus source' })
  })

  describe('availability', () => {
    it('is the share of passed rounds in the window', async () => {
      const h = history([
        [T0 - 90 * S, [bad()]], // outside a 1 min window
        [T0 - 60 * S, [bad()]], // at its (exclusive) start
        [T0 - 45 * S, [ok()]],
        [T0 - 30 * S, [ok(), bad()]],
        [T0 - 15 * S, [ok()]],
        [T0, [ok(), ok()]],
      ])
      expect(await source(h).measure(q({ kind: 'availability', windowMs: MIN }), never)).toEqual({
        phase: 'value',
        value: 3 / 4,
        samples: 4,
      })
      expect(await source(h).measure(q({ kind: 'availability', windowMs: 2 * MIN }), never)).toEqual({
        phase: 'value',
        value: 3 / 6,
        samples: 6,
      })
    })

    it('is 1 when every round passed and 0 when none did', async () => {
      expect(await source(history([[T0, [ok()]]])).measure(q({ kind: 'availability' }), never)).toEqual({
        phase: 'value',
        value: 1,
        samples: 1,
      })
      expect(await source(history([[T0, [refused()]]])).measure(q({ kind: 'availability' }), never)).toEqual({
        phase: 'value',
        value: 0,
        samples: 1,
      })
    })

    it('has no data when the window is empty', async () => {
      const h = history([[T0 - 2 * MIN, [ok()]]])
      expect(await source(h).measure(q({ kind: 'availability', windowMs: MIN }), never)).toEqual({
        phase: 'no-data',
        reason: 'no probe rounds in the window',
      })
    })

    it('ignores rounds after the evaluation time', async () => {
      const h = history([
        [T0, [ok()]],
        [T0 + S, [bad()]],
      ])
      expect(await source(h).measure(q({ kind: 'availability', at: T0 }), never)).toEqual({ phase: 'value', value: 1, samples: 1 })
    })
  })

  describe('error_rate', () => {
    it('over a window is the share of failed requests (refusals and timeouts fail too)', async () => {
      const h = history([
        [T0 - 2 * MIN, [bad(), bad()]], // outside
        [T0 - 40 * S, [ok(), bad()]],
        [T0 - 20 * S, [ok(), refused()]],
        [T0, [ok(), timedOut()]],
      ])
      expect(await source(h).measure(q({ kind: 'error_rate', windowMs: MIN }), never)).toEqual({ phase: 'value', value: 3 / 6, samples: 6 })
    })

    it('over a window of passing requests is 0', async () => {
      const h = history([
        [T0 - S, [ok(), ok()]],
        [T0, [ok()]],
      ])
      expect(await source(h).measure(q({ kind: 'error_rate' }), never)).toEqual({ phase: 'value', value: 0, samples: 3 })
    })

    it('has no data when the window holds no requests', async () => {
      expect(await source(history([[T0 - 5 * MIN, [bad()]]])).measure(q({ kind: 'error_rate' }), never)).toEqual({
        phase: 'no-data',
        reason: 'no probe requests yet',
      })
      // Rounds without checks have no requests either.
      expect(await source(history([[T0, []]])).measure(q({ kind: 'error_rate' }), never)).toEqual({
        phase: 'no-data',
        reason: 'no probe requests yet',
      })
    })

    it('over the last N requests ignores the window', async () => {
      const h = history([
        [T0 - 9 * MIN, [bad(), bad()]],
        [T0 - 8 * MIN, [ok(), bad()]],
        [T0 - 7 * MIN, [ok(), ok()]],
      ])
      expect(await source(h).measure(q({ kind: 'error_rate', windowMs: MIN, lastRequests: 4 }), never)).toEqual({
        phase: 'value',
        value: 1 / 4,
        samples: 4,
      })
      expect(await source(h).measure(q({ kind: 'error_rate', windowMs: MIN, lastRequests: 5 }), never)).toEqual({
        phase: 'value',
        value: 2 / 5,
        samples: 5,
      })
    })

    it('over the last N requests reports how many it saw when fewer than N', async () => {
      const h = history([[T0, [bad(), ok(), ok()]]])
      expect(await source(h).measure(q({ kind: 'error_rate', lastRequests: 100 }), never)).toEqual({
        phase: 'value',
        value: 1 / 3,
        samples: 3,
      })
    })

    it('over the last N requests has no data before the first request', async () => {
      expect(await source(new ProbeHistory(MIN, 10)).measure(q({ kind: 'error_rate', lastRequests: 10 }), never)).toEqual({
        phase: 'no-data',
        reason: 'no probe requests yet',
      })
    })
  })

  describe('latency', () => {
    it('is the nearest-rank percentile of the answered requests in the window', async () => {
      // 1..100 ms, one request a second over the last 100 s.
      const h = history(Array.from({ length: 100 }, (_, i): [number, ProbeResult[]] => [T0 - 99 * S + i * S, [ok(i + 1)]]))
      const at = (percentile: number) => source(h).measure(q({ kind: 'latency', windowMs: 2 * MIN, percentile }), never)
      expect(await at(95)).toEqual({ phase: 'value', value: 95, samples: 100 })
      expect(await at(50)).toEqual({ phase: 'value', value: 50, samples: 100 })
      expect(await at(99)).toEqual({ phase: 'value', value: 99, samples: 100 })
      expect(await at(0.5)).toEqual({ phase: 'value', value: 1, samples: 100 })
      expect(await at(99.5)).toEqual({ phase: 'value', value: 100, samples: 100 })
    })

    it('rounds the rank up and sorts the latencies', async () => {
      const h = history([
        [T0 - 3 * S, [ok(40)]],
        [T0 - 2 * S, [ok(10)]],
        [T0 - S, [ok(30)]],
        [T0, [ok(20)]],
      ])
      const at = (percentile: number) => source(h).measure(q({ kind: 'latency', percentile }), never)
      expect(await at(50)).toMatchObject({ value: 20 }) // rank 2 of 4
      expect(await at(51)).toMatchObject({ value: 30 }) // rank ceil(2.04) = 3
      expect(await at(75)).toMatchObject({ value: 30 })
      expect(await at(76)).toMatchObject({ value: 40 })
      expect(await at(1)).toMatchObject({ value: 10 })
    })

    it('defaults to p95', async () => {
      const h = history(Array.from({ length: 20 }, (_, i): [number, ProbeResult[]] => [T0 - i * S, [ok((i + 1) * 10)]]))
      expect(await source(h).measure(q({ kind: 'latency' }), never)).toEqual({ phase: 'value', value: 190, samples: 20 })
    })

    it('counts failed answers and timeouts, not refused connections', async () => {
      const h = history([
        [T0 - S, [refused(1), refused(2), bad(300)]],
        [T0, [timedOut(500), ok(20)]],
      ])
      const m = await source(h).measure(q({ kind: 'latency', percentile: 50 }), never)
      // Answered: 20, 300, 500 → the median is 300; the refusals' 1 and 2 ms would have pulled it to 20.
      expect(m).toEqual({ phase: 'value', value: 300, samples: 3 })
      expect(await source(h).measure(q({ kind: 'latency', percentile: 99 }), never)).toEqual({ phase: 'value', value: 500, samples: 3 })
    })

    it('has no data when no request in the window got an answer', async () => {
      const h = history([
        [T0 - 5 * MIN, [ok(10)]],
        [T0, [refused(), refused()]],
      ])
      expect(await source(h).measure(q({ kind: 'latency', windowMs: MIN }), never)).toEqual({
        phase: 'no-data',
        reason: 'no answered probe in the window',
      })
      expect(await source(history([[T0 - 5 * MIN, [ok(10)]]])).measure(q({ kind: 'latency', windowMs: MIN }), never)).toEqual({
        phase: 'no-data',
        reason: 'no answered probe in the window',
      })
    })

    // Floating point would make 99.9 % of 1000 = 999.0000000000001 and take the maximum.
    it('p99.9 of 1000 latencies is the 999th, not the maximum', async () => {
      const h = history(
        Array.from({ length: 1000 }, (_, i): [number, ProbeResult[]] => [T0 - 999 * S + i * S, [ok(i + 1)]]),
        20 * MIN,
      )
      expect(await source(h).measure(q({ kind: 'latency', windowMs: 20 * MIN, percentile: 99.9 }), never)).toEqual({
        phase: 'value',
        value: 999,
        samples: 1000,
      })
    })

    it('an app without checks has no data, never 0 % availability', async () => {
      const h = history([
        [T0 - S, []],
        [T0, []],
      ])
      expect(await source(h).measure(q({ kind: 'availability', windowMs: MIN }), never)).toMatchObject({ phase: 'no-data' })
      expect(await source(h).measure(q({ kind: 'error_rate', windowMs: MIN }), never)).toMatchObject({ phase: 'no-data' })
    })
  })

  it('after clear(), the source has no data until new rounds arrive', async () => {
    const h = history([
      [T0 - S, [bad()]],
      [T0, [bad()]],
    ])
    h.clear()
    const s = source(h)
    expect((await s.measure(q({ kind: 'error_rate' }), never)).phase).toBe('no-data')
    expect((await s.measure(q({ kind: 'error_rate', lastRequests: 5 }), never)).phase).toBe('no-data')
    expect((await s.measure(q({ kind: 'availability' }), never)).phase).toBe('no-data')
    expect((await s.measure(q({ kind: 'latency' }), never)).phase).toBe('no-data')
    h.add(round(T0 + S, [ok(9)]), T0 + S)
    expect(await s.measure(q({ kind: 'availability', at: T0 + S }), never)).toEqual({ phase: 'value', value: 1, samples: 1 })
    expect(await s.measure(q({ kind: 'error_rate', at: T0 + S }), never)).toEqual({ phase: 'value', value: 0, samples: 1 })
  })
})
