import type { HealthRound } from '../health/probe-health.js'

/**
 * What a trigger reads. A source measures one metric of one app over a window ending now; the trigger decides
 * what the value means. Each kind of source lives in sources/<kind>/ behind its factory (sources/source-factory.ts).
 */

export type MetricKind = 'error_rate' | 'latency' | 'availability' | 'promql'

export interface MetricQuery {
  app: string
  kind: MetricKind
  /** Length of the window the value covers, ending at `at` (error_rate, latency, availability). */
  windowMs: number
  /** error_rate over the last N requests instead of over a window (built-in probes only). */
  lastRequests?: number
  /** latency: the percentile, 0 < p < 100 (95 for p95). */
  percentile?: number
  /** promql: the expression as written. */
  expr?: string
  /** Evaluation time, ms since the epoch. */
  at: number
}

/**
 * `value`: a fraction for error_rate and availability (0.05 = 5 %), milliseconds for latency, the largest
 * sample for promql. `samples`: how many requests or probes the value covers, where the source knows.
 * `series`: how many series a PromQL result had.
 */
export type Measurement =
  | { phase: 'value'; value: number; samples?: number; series?: number }
  /** Nothing to measure: no requests in the window, an empty PromQL result, a 0/0 ratio. Never healthy. */
  | { phase: 'no-data'; reason: string }
  /** The measurement itself failed: the source was unreachable, answered an error, timed out. */
  | { phase: 'error'; error: string }

export interface MetricSource {
  /** Never throws: a failed measurement is a result with phase 'error', and missing data is 'no-data'. */
  measure(q: MetricQuery, signal: AbortSignal): Promise<Measurement>
  /** Hears every health-check round of an app, for a source that measures them (the monitor calls it). */
  observe?(app: string, round: HealthRound, at: number): void
  /** Forgets what it heard of an app: after a rollback or a deploy, the new state is judged on its own rounds. */
  forget?(app: string): void
}
