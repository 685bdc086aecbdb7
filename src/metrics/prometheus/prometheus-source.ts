import { redact } from '../../core/redact.js'
import { startTimer } from '../../core/timers.js'
import type { Measurement, MetricQuery, MetricSource } from '../metric-source.js'
import { probeRequest } from '../../health/probe-client.js'
import { messageOf, errCode } from '../../core/errors.js'

/** A query answer larger than this is not read: a built-in query answers one sample, a promql one a vector. */
const ANSWER_LIMIT = 64 * 1024 * 1024

/** The metric names and error codes the built-in queries use; the defaults are the Prometheus conventions. */
export interface QueryNames {
  /** A counter with a `code` label (the HTTP status). */
  requestsMetric?: string
  /** A histogram in seconds: `<name>_bucket{le}` is what is read. */
  durationMetric?: string
  /** A regular expression over the `code` label that marks a request as failed. */
  errorStatus?: string
}

export interface PrometheusSourceOptions extends QueryNames {
  /** The server's base URL, e.g. http://prometheus:9090; user:password@ in it becomes basic authentication. */
  url: string
  timeoutMs: number
  /** An app's label matchers without braces, e.g. `job="staff"`. */
  selector: (app: string) => string
}

const DEFAULT_NAMES: Required<QueryNames> = {
  requestsMetric: 'http_requests_total',
  durationMetric: 'http_request_duration_seconds',
  errorStatus: '5..',
}

/** A window as a PromQL duration: whole seconds as `60s`, anything finer in milliseconds. */
export function promDuration(ms: number): string {
  const whole = Math.round(ms)
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`
}

/**
 * The PromQL a query runs, for the source and for showing people what is measured. Each sum() has no `by`,
 * so every built-in query answers one sample or none.
 *
 * Error rate: without error series the numerator is empty, and an empty operand empties the division
 * although requests were served, so it falls back to `vector(0)`. No requests at all still ends empty (no
 * series) or NaN (0/0, series without increase), which the source reports as no-data.
 */
export function prometheusQuery(
  q: Pick<MetricQuery, 'kind' | 'windowMs' | 'percentile' | 'expr'>,
  selector: string,
  names: QueryNames = {},
): string {
  const n = { ...DEFAULT_NAMES, ...names }
  const w = promDuration(q.windowMs)
  const own = selector.trim().replace(/,\s*$/, '')
  const select = (...extra: string[]) => {
    const matchers = [own, ...extra].filter((m) => m !== '')
    return matchers.length === 0 ? '' : `{${matchers.join(',')}}`
  }
  const errorRate = () =>
    `(sum(rate(${n.requestsMetric}${select(`code=~${promString(n.errorStatus)}`)}[${w}])) or vector(0))` +
    ` / sum(rate(${n.requestsMetric}${select()}[${w}]))`
  switch (q.kind) {
    case 'error_rate':
      return errorRate()
    case 'availability':
      return `1 - (${errorRate()})`
    case 'latency':
      return `histogram_quantile(${quantile(q.percentile ?? 95)}, sum by (le) (rate(${n.durationMetric}_bucket${select()}[${w}])))`
    case 'promql':
      if (!q.expr) throw new Error('a promql query needs an expression')
      return q.expr
  }
}

/** 99.9 / 100 is 0.9990000000000001 in floating point; the query should say 0.999. */
function quantile(percentile: number): string {
  return String(Number((percentile / 100).toPrecision(12)))
}

function promString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

type Sample = [number, string]
type QueryData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: Sample }[] }
  | { resultType: 'scalar'; result: Sample }
  | { resultType: 'matrix' | 'string'; result: unknown }

/**
 * Measures through the Prometheus HTTP API (instant queries at the query's time). Never throws: an
 * unreachable server, an HTTP error, a PromQL error or a timeout is a measurement with phase 'error'.
 */
export class PrometheusSource implements MetricSource {
  private readonly endpoint: URL
  /** For messages: the base URL without credentials. */
  private readonly shown: string
  private readonly headers: Record<string, string> = { accept: 'application/json' }
  private readonly names: Required<QueryNames>

  constructor(private readonly opts: PrometheusSourceOptions) {
    this.names = {
      requestsMetric: opts.requestsMetric ?? DEFAULT_NAMES.requestsMetric,
      durationMetric: opts.durationMetric ?? DEFAULT_NAMES.durationMetric,
      errorStatus: opts.errorStatus ?? DEFAULT_NAMES.errorStatus,
    }
    const base = new URL(opts.url)
    // Credentials travel as a header, so the URL shown in messages never holds them.
    if (base.username || base.password) {
      const pair = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`
      this.headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`
      base.username = ''
      base.password = ''
    }
    const prefix = base.pathname.replace(/\/+$/, '')
    this.shown = `${base.origin}${prefix}`
    base.pathname = `${prefix}/api/v1/query`
    this.endpoint = base
  }

  /** The PromQL that measure() runs for this query. */
  query(q: MetricQuery): string {
    return prometheusQuery(q, this.opts.selector(q.app), this.names)
  }

  async measure(q: MetricQuery, signal: AbortSignal): Promise<Measurement> {
    if (q.kind === 'promql' && !q.expr) return { phase: 'error', error: 'a promql query needs an expression' }
    // Cleared when the query ends: a timer per query that outlived it would pile up with a long timeout.
    const timeout = new AbortController()
    const timer = startTimer(this.opts.timeoutMs, () => timeout.abort())
    try {
      const url = new URL(this.endpoint)
      url.searchParams.set('query', this.query(q))
      url.searchParams.set('time', (q.at / 1000).toFixed(3))
      const res = await probeRequest(url, {
        headers: this.headers,
        signal: AbortSignal.any([signal, timeout.signal]),
        bodyLimit: ANSWER_LIMIT,
      })
      if (!res.complete) return this.failed(`answered more than ${ANSWER_LIMIT / 1024 / 1024} MiB`)
      const text = res.body
      const ok = res.status >= 200 && res.status < 300
      let body: { status?: string; errorType?: string; error?: string; data?: QueryData } | null
      try {
        body = JSON.parse(text) as typeof body
      } catch {
        body = null
      }
      if (typeof body !== 'object' || body === null) {
        return this.failed(ok ? 'answered with something that is not JSON' : `answered HTTP ${res.status} ${res.statusText}`.trimEnd())
      }
      if (body.status === 'error' || !ok) {
        const detail = [body.errorType, body.error].filter(Boolean).join(': ')
        return this.failed(detail ? `rejected the query: ${detail}` : `answered HTTP ${res.status} ${res.statusText}`.trimEnd())
      }
      if (body.status !== 'success' || !body.data) return this.failed('answered without a result')
      return this.interpret(q, body.data)
    } catch (err) {
      if (timeout.signal.aborted) return this.failed(`did not answer within ${this.opts.timeoutMs} ms`)
      if (signal.aborted) return { phase: 'error', error: 'measurement cancelled' }
      return this.failed(`could not be queried: ${errCode(err) ?? messageOf(err)}`)
    } finally {
      timer.clear()
    }
  }

  private failed(what: string): Measurement {
    return { phase: 'error', error: redact(`Prometheus at ${this.shown} ${what}`) }
  }

  private interpret(q: MetricQuery, data: QueryData): Measurement {
    let values: number[]
    if (data.resultType === 'vector' && Array.isArray(data.result)) values = data.result.map((s) => sampleValue(s?.value))
    else if (data.resultType === 'scalar' && Array.isArray(data.result)) values = [sampleValue(data.result)]
    else if (data.resultType === 'matrix' || data.resultType === 'string') {
      return this.failed(`answered a ${data.resultType}; a trigger needs an instant vector or a scalar`)
    } else return this.failed('answered with a result it could not read')
    if (values.length === 0) return { phase: 'no-data', reason: this.emptyReason(q) }
    const numbers = values.filter((v) => !Number.isNaN(v))
    if (numbers.length === 0) {
      return {
        phase: 'no-data',
        reason: q.kind === 'promql' ? 'every sample is NaN' : `no requests in the last ${promDuration(q.windowMs)}`,
      }
    }
    switch (q.kind) {
      case 'latency':
        return { phase: 'value', value: numbers[0]! * 1000 }
      case 'promql':
        // reduce, not Math.max(...): a vector of many series would overflow the call stack as arguments.
        return {
          phase: 'value',
          value: numbers.reduce((a, b) => Math.max(a, b)),
          ...(data.resultType === 'vector' ? { series: values.length } : {}),
        }
      default:
        return { phase: 'value', value: numbers[0]! }
    }
  }

  private emptyReason(q: MetricQuery): string {
    if (q.kind === 'promql') return 'empty result'
    const metric = q.kind === 'latency' ? `${this.names.durationMetric}_bucket` : this.names.requestsMetric
    return `empty result: no ${metric} series for ${this.opts.selector(q.app)} in the last ${promDuration(q.windowMs)}`
  }
}

/** Prometheus writes sample values as strings, infinities as "+Inf" and "-Inf". Anything else unreadable is NaN. */
function sampleValue(sample: Sample | undefined): number {
  const v = Array.isArray(sample) ? sample[1] : undefined
  if (v === '+Inf') return Infinity
  if (v === '-Inf') return -Infinity
  return typeof v === 'string' ? Number(v) : NaN
}
