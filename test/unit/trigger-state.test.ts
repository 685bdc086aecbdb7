import { describe, expect, it } from 'vitest'
import type { ResolvedTrigger } from '../../src/config/types.js'
import type { Measurement } from '../../src/metrics/metric-source.js'
import {
  advance,
  INITIAL,
  type Observation,
  observe,
  observeRound,
  type Transition,
  type TriggerState,
} from '../../src/monitor/trigger-state.js'

const S = 1000
const MIN = 60 * S

type Kind<K extends ResolvedTrigger['kind']> = ResolvedTrigger & { kind: K }

const errorRate = (over: Partial<Kind<'error_rate'>> = {}): Kind<'error_rate'> => ({
  name: 'error-rate',
  kind: 'error_rate',
  action: 'rollback',
  scenario: 'error_rate',
  forMs: 5 * MIN,
  windowMs: 5 * MIN,
  source: 'probes',
  above: 0.05,
  ...over,
})
const latency = (over: Partial<Kind<'latency'>> = {}): Kind<'latency'> => ({
  name: 'latency',
  kind: 'latency',
  action: 'alert',
  scenario: 'error_rate',
  forMs: 5 * MIN,
  windowMs: 5 * MIN,
  source: 'probes',
  percentile: 95,
  aboveMs: 800,
  ...over,
})
const availability = (over: Partial<Kind<'availability'>> = {}): Kind<'availability'> => ({
  name: 'availability',
  kind: 'availability',
  action: 'rollback',
  scenario: 'error_rate',
  forMs: 5 * MIN,
  windowMs: 10 * MIN,
  source: 'probes',
  below: 0.99,
  ...over,
})
const promql = (over: Partial<Kind<'promql'>> = {}): Kind<'promql'> => ({
  name: 'errors',
  kind: 'promql',
  action: 'rollback',
  scenario: 'error_rate',
  forMs: 5 * MIN,
  query: 'sum(rate(http_errors_total[1m])) > 0',
  ...over,
})
const healthFailures = (consecutive = 3): Kind<'health_failures'> => ({
  name: 'down',
  kind: 'health_failures',
  action: 'rollback',
  scenario: 'error_rate',
  forMs: 0,
  consecutive,
})

const HOLDS: Observation = { condition: 'holds', value: 1, detail: 'holds' }
const CLEAR: Observation = { condition: 'clear', value: 0, detail: 'clear' }
const NO_DATA: Observation = { condition: 'no-data', detail: 'nothing' }

interface Step {
  now: number
  phase: TriggerState['phase']
  since: number
  transition?: Transition
}

/**
 * Evaluates `t` every `every` ms from `from` to `to` inclusive, with a controllable clock: `cond(now)` says
 * what the evaluation at `now` sees. Returns every step and the final state.
 */
function run(
  t: ResolvedTrigger,
  cond: (now: number) => Observation,
  { from = 0, to, every = S, start = INITIAL }: { from?: number; to: number; every?: number; start?: TriggerState },
) {
  let state = start
  const steps: Step[] = []
  for (let now = from; now <= to; now += every) {
    const { next, transition } = advance(t, state, cond(now), now)
    steps.push({ now, phase: next.phase, since: next.since, ...(transition ? { transition } : {}) })
    state = next
  }
  return { state, steps, transitions: steps.filter((s) => s.transition).map((s) => [s.now, s.transition] as const) }
}

const value = (v: number, samples?: number): Measurement => ({ phase: 'value', value: v, ...(samples !== undefined ? { samples } : {}) })

describe('advance: Prometheus alerting semantics', () => {
  it('starts inactive', () => {
    expect(INITIAL).toEqual({ phase: 'inactive', since: 0, streak: 0 })
  })

  it('a condition that holds 4:59 of 5:00 does not fire (evaluated every second)', () => {
    const t = errorRate({ forMs: 5 * MIN })
    const r = run(t, (now) => (now < 5 * MIN ? HOLDS : CLEAR), { to: 5 * MIN })
    expect(r.steps).toHaveLength(301)
    expect(r.steps.some((s) => s.phase === 'firing')).toBe(false)
    expect(r.steps.find((s) => s.now === 5 * MIN - S)).toEqual({ now: 299 * S, phase: 'pending', since: 0 })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [5 * MIN, 'cleared'],
    ])
    expect(r.state).toEqual({ phase: 'inactive', since: 5 * MIN, streak: 0 })
  })

  it('a condition that holds 4:45 of 5:00 does not fire (evaluated every 15 s)', () => {
    const r = run(errorRate(), (now) => (now < 5 * MIN ? HOLDS : CLEAR), { to: 5 * MIN, every: 15 * S })
    expect(r.steps).toHaveLength(21)
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [5 * MIN, 'cleared'],
    ])
  })

  it('a condition that holds at every evaluation through 5:00 fires exactly at 5:00, once', () => {
    const r = run(errorRate(), () => HOLDS, { to: 10 * MIN })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [5 * MIN, 'firing'],
    ])
    const before = r.steps.filter((s) => s.now < 5 * MIN)
    expect(before.every((s) => s.phase === 'pending' && s.since === 0)).toBe(true)
    const after = r.steps.filter((s) => s.now >= 5 * MIN)
    expect(after.every((s) => s.phase === 'firing' && s.since === 5 * MIN)).toBe(true)
    expect(r.state).toEqual({ phase: 'firing', since: 5 * MIN, streak: 0 })
  })

  it('with 15 s evaluations it fires at the first evaluation at which now − since ≥ for', () => {
    const r = run(errorRate(), () => HOLDS, { to: 6 * MIN, every: 15 * S })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [5 * MIN, 'firing'],
    ])
  })

  it('fires at the first evaluation past `for` when evaluations do not land on it', () => {
    // Every 7 s from t=0: 294 s is short of 300 s, 301 s is the first evaluation past it.
    const r = run(errorRate(), () => HOLDS, { to: 6 * MIN, every: 7 * S })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [301 * S, 'firing'],
    ])
  })

  it('counts `for` from the first evaluation at which the condition held, not from t=0', () => {
    const r = run(errorRate(), (now) => (now >= 42 * S ? HOLDS : CLEAR), { to: 6 * MIN })
    expect(r.transitions).toEqual([
      [42 * S, 'pending'],
      [42 * S + 5 * MIN, 'firing'],
    ])
  })

  it('a single clear evaluation in the middle resets the pending streak; the duration counts afresh', () => {
    const r = run(errorRate(), (now) => (now === 3 * MIN ? CLEAR : HOLDS), { to: 10 * MIN })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [3 * MIN, 'cleared'],
      [3 * MIN + S, 'pending'],
      [3 * MIN + S + 5 * MIN, 'firing'],
    ])
    // Not at 5:00, although the condition held at 299 of the 301 evaluations by then.
    expect(r.steps.find((s) => s.now === 5 * MIN)).toMatchObject({ phase: 'pending', since: 3 * MIN + S })
  })

  it('a clear evaluation while inactive is no transition', () => {
    const r = run(errorRate(), () => CLEAR, { to: MIN })
    expect(r.transitions).toEqual([])
    expect(r.state.phase).toBe('inactive')
    expect(r.state.since).toBe(0)
  })

  it('no-data in the middle breaks the streak, is reported once, and is never inactive', () => {
    const gap = (now: number) => now >= 2 * MIN && now < 3 * MIN
    const r = run(errorRate(), (now) => (gap(now) ? NO_DATA : HOLDS), { to: 10 * MIN })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [2 * MIN, 'no-data'],
      [3 * MIN, 'pending'],
      [8 * MIN, 'firing'],
    ])
    const during = r.steps.filter((s) => gap(s.now))
    expect(during).toHaveLength(60)
    expect(during.every((s) => s.phase === 'no-data' && s.since === 2 * MIN)).toBe(true)
    expect(r.steps.some((s) => s.phase === 'inactive')).toBe(false)
  })

  it('a single no-data evaluation breaks a pending streak like a clear one', () => {
    const r = run(errorRate(), (now) => (now === 4 * MIN ? NO_DATA : HOLDS), { to: 10 * MIN })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [4 * MIN, 'no-data'],
      [4 * MIN + S, 'pending'],
      [9 * MIN + S, 'firing'],
    ])
  })

  it('no-data from the start is no-data, not inactive, and is reported once', () => {
    const r = run(errorRate(), () => NO_DATA, { to: MIN })
    expect(r.transitions).toEqual([[0, 'no-data']])
    expect(r.steps.every((s) => s.phase === 'no-data')).toBe(true)
  })

  it('a firing trigger that gets no data leaves firing for no-data', () => {
    const r = run(errorRate({ forMs: 0 }), (now) => (now < 10 * S ? HOLDS : NO_DATA), { to: 20 * S })
    expect(r.transitions).toEqual([
      [0, 'firing'],
      [10 * S, 'no-data'],
    ])
    expect(r.state).toEqual({ phase: 'no-data', since: 10 * S, streak: 0 })
  })

  it('after no-data, a clear evaluation goes back to inactive without a transition', () => {
    const { next, transition } = advance(errorRate(), { phase: 'no-data', since: 5, streak: 0 }, CLEAR, 100)
    expect(next).toEqual({ phase: 'inactive', since: 100, streak: 0 })
    expect(transition).toBeUndefined()
  })

  it('after no-data, a holding condition is pending afresh (then fires after a full `for`)', () => {
    const r = run(errorRate(), () => HOLDS, { from: 60 * S, to: 7 * MIN, start: { phase: 'no-data', since: 0, streak: 0 } })
    expect(r.transitions).toEqual([
      [60 * S, 'pending'],
      [6 * MIN, 'firing'],
    ])
  })

  it('firing → clear is resolved', () => {
    const r = run(errorRate({ forMs: MIN }), (now) => (now <= 2 * MIN ? HOLDS : CLEAR), { to: 3 * MIN })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [MIN, 'firing'],
      [2 * MIN + S, 'resolved'],
    ])
    expect(r.state).toEqual({ phase: 'inactive', since: 2 * MIN + S, streak: 0 })
  })

  it('after resolving, it takes a full `for` again to fire', () => {
    const cond = (now: number) => (now === 2 * MIN ? CLEAR : HOLDS)
    const r = run(errorRate({ forMs: MIN }), cond, { to: 4 * MIN })
    expect(r.transitions).toEqual([
      [0, 'pending'],
      [MIN, 'firing'],
      [2 * MIN, 'resolved'],
      [2 * MIN + S, 'pending'],
      [3 * MIN + S, 'firing'],
    ])
  })

  it('for=0 fires at the first holding evaluation, without a pending step', () => {
    const r = run(errorRate({ forMs: 0 }), (now) => (now >= 3 * S ? HOLDS : CLEAR), { to: 10 * S })
    expect(r.transitions).toEqual([[3 * S, 'firing']])
    expect(r.steps.filter((s) => s.now < 3 * S).every((s) => s.phase === 'inactive')).toBe(true)
  })

  it('for=0 fires straight from no-data too', () => {
    const { next, transition } = advance(errorRate({ forMs: 0 }), { phase: 'no-data', since: 0, streak: 0 }, HOLDS, 7)
    expect(transition).toBe('firing')
    expect(next).toEqual({ phase: 'firing', since: 7, streak: 0 })
  })

  it('does not mutate the previous state', () => {
    const prev: TriggerState = { phase: 'pending', since: 10, streak: 0 }
    const copy = { ...prev }
    advance(errorRate({ forMs: 5 }), prev, HOLDS, 20)
    advance(errorRate({ forMs: 5 }), prev, CLEAR, 20)
    advance(errorRate({ forMs: 5 }), prev, NO_DATA, 20)
    expect(prev).toEqual(copy)
  })

  it('keeps the streak only for health_failures triggers', () => {
    const prev: TriggerState = { phase: 'inactive', since: 0, streak: 2 }
    expect(advance(healthFailures(3), prev, CLEAR, 1).next.streak).toBe(2)
    expect(advance(errorRate(), prev, CLEAR, 1).next.streak).toBe(0)
    expect(advance(healthFailures(3), prev, NO_DATA, 1).next.streak).toBe(2)
    expect(advance(errorRate(), prev, NO_DATA, 1).next.streak).toBe(0)
  })
})

describe('observe: error_rate', () => {
  it('over the last N requests counts failures: 5 % of 100 → 5 failed do not hold, 6 do', () => {
    const t = errorRate({ overRequests: 100, above: 0.05, forMs: 0 })
    const five = observe(t, value(5 / 100, 100))
    expect(five.condition).toBe('clear')
    expect(five.value).toBe(0.05)
    expect(five.detail).toBe('5 of the last 100 requests failed (limit 5 of 100)')
    const six = observe(t, value(6 / 100, 100))
    expect(six.condition).toBe('holds')
    expect(six.detail).toBe('6 of the last 100 requests failed (limit 5 of 100)')
  })

  it('with fewer than N requests seen, it holds only once it would with all N', () => {
    const t = errorRate({ overRequests: 100, above: 0.05, forMs: 0 })
    // 6 of 10 is 60 %, but 6 failures out of the last 100 already exceed 5 of 100.
    const six = observe(t, value(6 / 10, 10))
    expect(six.condition).toBe('holds')
    expect(six.detail).toBe('6 of the last 10 requests failed (limit 5 of 100)')
    // 5 of 10 is 50 %, far above 5 %, yet 5 failures out of 100 would not be.
    expect(observe(t, value(5 / 10, 10)).condition).toBe('clear')
    expect(observe(t, value(1, 5)).condition).toBe('clear')
    expect(observe(t, value(1, 6)).condition).toBe('holds')
  })

  it('over the last N requests with no failures is clear', () => {
    expect(observe(errorRate({ overRequests: 20 }), value(0, 20)).condition).toBe('clear')
  })

  it('with a fractional limit, the count must exceed it', () => {
    const t = errorRate({ overRequests: 50, above: 0.05 }) // limit 2.5
    expect(observe(t, value(2 / 50, 50)).condition).toBe('clear')
    expect(observe(t, value(3 / 50, 50)).condition).toBe('holds')
    expect(observe(t, value(3 / 50, 50)).detail).toContain('limit 2.5 of 50')
  })

  // Floating point would make the limit 0.29 × 100 = 28.999999999999996, which 29 failures exceed.
  it('over the last N requests, a share exactly at the limit does not hold (29 % of 100)', () => {
    const t = errorRate({ overRequests: 100, above: 0.29 })
    expect(observe(errorRate({ above: 0.29 }), value(29 / 100, 100)).condition).toBe('clear')
    expect(observe(t, value(29 / 100, 100)).condition).toBe('clear')
  })

  it('over a window compares the fraction, strictly above', () => {
    const t = errorRate({ above: 0.05 })
    expect(observe(t, value(0.05, 200)).condition).toBe('clear')
    expect(observe(t, value(0.0501, 200)).condition).toBe('holds')
    expect(observe(t, value(0.5, 2)).condition).toBe('holds')
    expect(observe(t, value(0)).condition).toBe('clear')
  })

  it('over a window says the rate and the samples in words', () => {
    const t = errorRate({ above: 0.05 })
    expect(observe(t, value(0.125, 8))).toEqual({
      condition: 'holds',
      value: 0.125,
      detail: 'error rate 12.5% of 8 samples (above 5% fires)',
    })
    expect(observe(t, value(0, 1)).detail).toBe('error rate 0% of 1 sample (above 5% fires)')
    expect(observe(t, value(0.01)).detail).toBe('error rate 1% (above 5% fires)')
  })
})

describe('observe: latency, availability, promql', () => {
  it('latency holds strictly above the bound', () => {
    const t = latency({ aboveMs: 800, percentile: 95 })
    expect(observe(t, value(800, 10)).condition).toBe('clear')
    expect(observe(t, value(801, 10))).toEqual({ condition: 'holds', value: 801, detail: 'p95 801 ms of 10 samples (above 800 ms fires)' })
    expect(observe(t, value(12.4)).detail).toBe('p95 12 ms (above 800 ms fires)')
  })

  it('availability holds strictly below the bound', () => {
    const t = availability({ below: 0.99 })
    expect(observe(t, value(0.99, 100)).condition).toBe('clear')
    expect(observe(t, value(1, 100)).condition).toBe('clear')
    expect(observe(t, value(0.98, 100))).toEqual({
      condition: 'holds',
      value: 0.98,
      detail: 'availability 98% of 100 samples (below 99% fires)',
    })
    expect(observe(t, value(0)).condition).toBe('holds')
  })

  it('promql without above/below: any value holds (an alerting rule), even 0', () => {
    const t = promql()
    expect(observe(t, { phase: 'value', value: 3, series: 2 })).toEqual({ condition: 'holds', value: 3, detail: '2 series, largest 3' })
    expect(observe(t, value(0)).condition).toBe('holds')
    expect(observe(t, value(0)).detail).toBe('1 series, largest 0')
  })

  it('promql without above/below: an empty result is clear, not no-data', () => {
    expect(observe(promql(), { phase: 'no-data', reason: 'empty result' })).toEqual({ condition: 'clear', detail: 'empty result' })
  })

  it('promql with above: compares, and an empty result stays no-data', () => {
    const t = promql({ query: 'sum(rate(errors[1m]))', above: 2 })
    expect(observe(t, value(2)).condition).toBe('clear')
    expect(observe(t, value(2.5)).condition).toBe('holds')
    expect(observe(t, value(2.5)).detail).toBe('1 series, largest 2.5 (above 2 fires)')
    expect(observe(t, { phase: 'no-data', reason: 'empty result' })).toEqual({ condition: 'no-data', detail: 'empty result' })
  })

  it('promql with below: compares, and an empty result stays no-data', () => {
    const t = promql({ query: 'up', below: 1 })
    expect(observe(t, value(1)).condition).toBe('clear')
    expect(observe(t, value(0)).condition).toBe('holds')
    expect(observe(t, value(0)).detail).toBe('1 series, largest 0 (below 1 fires)')
    expect(observe(t, { phase: 'no-data', reason: 'empty result' }).condition).toBe('no-data')
  })

  it('no-data from a source stays no-data for every windowed kind', () => {
    const m: Measurement = { phase: 'no-data', reason: 'no probe requests yet' }
    for (const t of [errorRate(), errorRate({ overRequests: 10 }), latency(), availability()]) {
      expect(observe(t, m)).toEqual({ condition: 'no-data', detail: 'no probe requests yet' })
    }
  })

  it('a failed measurement is no-data, for every kind, even a bare promql expression', () => {
    const m: Measurement = { phase: 'error', error: 'connection refused' }
    for (const t of [errorRate(), errorRate({ overRequests: 10 }), latency(), availability(), promql(), promql({ above: 1 })]) {
      expect(observe(t, m)).toEqual({ condition: 'no-data', detail: 'measurement failed: connection refused' })
    }
  })

  it('refuses a health_failures trigger (those are observed from rounds)', () => {
    expect(() => observe(healthFailures(), value(1))).toThrow(/probe rounds/)
  })
})

describe('observeRound: health_failures', () => {
  const failed = { state: 'failed' as const, detail: 'health: status 503, expected 200' }
  const passed = { state: 'passed' as const, detail: '' }

  it('counts consecutive failed rounds and holds from the configured count', () => {
    const t = healthFailures(3)
    let prev: TriggerState = INITIAL
    const seen: [string, number][] = []
    for (let i = 0; i < 4; i++) {
      const { observation, streak } = observeRound(t, prev, failed)
      seen.push([observation.condition, streak])
      expect(observation.value).toBe(streak)
      prev = { ...prev, streak }
    }
    expect(seen).toEqual([
      ['clear', 1],
      ['clear', 2],
      ['holds', 3],
      ['holds', 4],
    ])
  })

  it('resets on a passed round', () => {
    const r = observeRound(healthFailures(3), { phase: 'pending', since: 0, streak: 2 }, passed)
    expect(r.streak).toBe(0)
    expect(r.observation).toEqual({ condition: 'clear', value: 0, detail: '0 consecutive failed rounds (3 fires)' })
  })

  it('says why the round failed', () => {
    const r = observeRound(healthFailures(3), INITIAL, failed)
    expect(r.observation.detail).toBe('1 consecutive failed round (3 fires): health: status 503, expected 200')
  })

  it('an unknown round (no checks) is no-data and resets the count', () => {
    const r = observeRound(healthFailures(1), { phase: 'inactive', since: 0, streak: 5 }, { state: 'unknown', detail: '' })
    expect(r).toEqual({ observation: { condition: 'no-data', detail: 'no health checks configured' }, streak: 0 })
  })

  it('with advance, as the monitor drives it: fires at the Nth failed round, once; a pass resolves it', () => {
    const t = healthFailures(3)
    const rounds = [failed, failed, passed, failed, failed, failed, failed, passed, { state: 'unknown' as const, detail: '' }, failed]
    let state: TriggerState = INITIAL
    const transitions: (Transition | undefined)[] = []
    rounds.forEach((round, i) => {
      const { observation, streak } = observeRound(t, state, round)
      const { next, transition } = advance(t, { ...state, streak }, observation, i * 10 * S)
      transitions.push(transition)
      state = next
    })
    expect(transitions).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'firing',
      undefined,
      'resolved',
      'no-data',
      undefined,
    ])
    expect(state).toEqual({ phase: 'inactive', since: 90 * S, streak: 1 })
  })
})
