import type { ResolvedTrigger } from '../config/types.js'
import type { Measurement } from '../metrics/metric-source.js'

/**
 * A trigger's state between evaluations, with Prometheus alerting semantics: a condition that starts to hold
 * makes the trigger `pending`; it becomes `firing` once the condition has held at every evaluation for the
 * trigger's `for`; one evaluation where it does not hold sends it back to `inactive`. Missing data is its
 * own state, `no-data`: it breaks a pending streak (the condition was not seen to hold) and is never read as
 * healthy.
 */
export type TriggerPhase = 'inactive' | 'pending' | 'firing' | 'no-data'

export interface TriggerState {
  phase: TriggerPhase
  /** When the phase began (ms since the epoch); for `pending`, when the condition started to hold. */
  since: number
  /** health_failures: consecutive failed rounds. */
  streak: number
}

/** What one evaluation saw. `value` is shown in events; `detail` says why in words. */
export interface Observation {
  condition: 'holds' | 'clear' | 'no-data'
  value?: number
  detail: string
}

export type Transition = 'pending' | 'firing' | 'resolved' | 'cleared' | 'no-data'

export const INITIAL: TriggerState = { phase: 'inactive', since: 0, streak: 0 }

/**
 * The next state after an observation at `now`. `transition` names the change worth an event: `firing` is
 * a detection; `cleared` is a pending condition that stopped holding before its `for` ran out.
 */
export function advance(
  t: ResolvedTrigger,
  prev: TriggerState,
  o: Observation,
  now: number,
): { next: TriggerState; transition?: Transition } {
  // health_failures: the caller has already counted this round into prev.streak (observeRound).
  const streak = t.kind === 'health_failures' ? prev.streak : 0
  if (o.condition === 'no-data') {
    if (prev.phase === 'no-data') return { next: { ...prev, streak } }
    return { next: { phase: 'no-data', since: now, streak }, transition: 'no-data' }
  }
  if (o.condition === 'clear') {
    if (prev.phase === 'inactive') return { next: { ...prev, streak } }
    const transition: Transition | undefined = prev.phase === 'firing' ? 'resolved' : prev.phase === 'pending' ? 'cleared' : undefined
    return { next: { phase: 'inactive', since: now, streak }, ...(transition ? { transition } : {}) }
  }
  if (prev.phase === 'firing') return { next: { ...prev, streak } }
  const since = prev.phase === 'pending' ? prev.since : now
  if (now - since >= t.forMs) return { next: { phase: 'firing', since: now, streak }, transition: 'firing' }
  if (prev.phase === 'pending') return { next: { ...prev, streak } }
  return { next: { phase: 'pending', since, streak }, transition: 'pending' }
}

/** Whether a measurement makes the trigger's condition hold. */
export function observe(t: ResolvedTrigger, m: Measurement): Observation {
  if (m.phase === 'error') return { condition: 'no-data', detail: `measurement failed: ${m.error}` }
  if (m.phase === 'no-data') {
    // A bare PromQL expression is an alerting rule: an empty result means the condition does not hold.
    if (t.kind === 'promql' && t.above === undefined && t.below === undefined) return { condition: 'clear', detail: m.reason }
    return { condition: 'no-data', detail: m.reason }
  }
  const v = m.value
  const of = m.samples !== undefined ? ` of ${m.samples} ${m.samples === 1 ? 'sample' : 'samples'}` : ''
  switch (t.kind) {
    case 'health_failures':
      throw new Error('health_failures triggers are observed from probe rounds, not measurements')
    case 'error_rate': {
      if (t.overRequests !== undefined) {
        // Counted, not divided: with fewer than N requests seen, it fires only once it would with all N.
        const failed = Math.round(v * (m.samples ?? 0))
        // Rounded so 29 % of 100 is 29, not 28.999999999999996 (which 29 failures would exceed).
        const limit = Number((t.above * t.overRequests).toPrecision(12))
        return {
          condition: failed > limit ? 'holds' : 'clear',
          value: v,
          detail: `${failed} of the last ${m.samples ?? 0} requests failed (limit ${fmt(limit)} of ${t.overRequests})`,
        }
      }
      return { condition: v > t.above ? 'holds' : 'clear', value: v, detail: `error rate ${pct(v)}${of} (above ${pct(t.above)} fires)` }
    }
    case 'latency':
      return {
        condition: v > t.aboveMs ? 'holds' : 'clear',
        value: v,
        detail: `p${t.percentile} ${Math.round(v)} ms${of} (above ${t.aboveMs} ms fires)`,
      }
    case 'availability':
      return { condition: v < t.below ? 'holds' : 'clear', value: v, detail: `availability ${pct(v)}${of} (below ${pct(t.below)} fires)` }
    case 'promql': {
      const holds = t.above !== undefined ? v > t.above : t.below !== undefined ? v < t.below : true
      const bound = t.above !== undefined ? ` (above ${t.above} fires)` : t.below !== undefined ? ` (below ${t.below} fires)` : ''
      return { condition: holds ? 'holds' : 'clear', value: v, detail: `${m.series ?? 1} series, largest ${fmt(v)}${bound}` }
    }
  }
}

/** A health_failures trigger after one probe round. */
export function observeRound(
  t: ResolvedTrigger & { kind: 'health_failures' },
  prev: TriggerState,
  round: { state: 'passed' | 'failed' | 'unknown'; detail: string },
): { observation: Observation; streak: number } {
  if (round.state === 'unknown') return { observation: { condition: 'no-data', detail: 'no health checks configured' }, streak: 0 }
  const streak = round.state === 'failed' ? prev.streak + 1 : 0
  const holds = streak >= t.consecutive
  return {
    observation: {
      condition: holds ? 'holds' : 'clear',
      value: streak,
      detail: `${streak} consecutive failed ${streak === 1 ? 'round' : 'rounds'} (${t.consecutive} fires)${round.state === 'failed' ? `: ${round.detail}` : ''}`,
    },
    streak,
  }
}

const pct = (f: number) => `${Number((f * 100).toPrecision(4))}%`
const fmt = (n: number) => String(Number(n.toPrecision(6)))
