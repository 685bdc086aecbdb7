import type { HealthRound } from '../../health/probe-health.js'
import type { Measurement, MetricQuery, MetricSource } from '../metric-source.js'

interface Sample {
  at: number
  passed: boolean
  /** One per check request of the round. */
  requests: { ok: boolean; latencyMs: number; answered: boolean }[]
}

/**
 * The probe rounds of one app, newest last, kept as long as its longest window (or last-N count) needs.
 * The source writes it as the monitor hands it each round, and reads it to measure.
 */
export class ProbeHistory {
  private samples: Sample[] = []

  constructor(
    private readonly keepMs: number,
    private readonly keepRequests: number,
  ) {}

  add(round: HealthRound, at: number): void {
    // An app without checks measured nothing: its windows stay empty (no data), never 0 % available.
    if (round.state === 'unknown') return
    this.samples.push({
      at,
      passed: round.state === 'passed',
      // A timeout is an answer as slow as the timeout; a refused connection has no latency worth counting.
      requests: round.probes.map((p) => ({
        ok: p.ok,
        latencyMs: p.latencyMs,
        answered: p.status !== undefined || /timed out/.test(p.error ?? ''),
      })),
    })
    const oldest = at - this.keepMs
    let requests = 0
    let keepFrom = this.samples.length
    while (keepFrom > 0 && (this.samples[keepFrom - 1]!.at > oldest || requests < this.keepRequests)) {
      keepFrom--
      requests += this.samples[keepFrom]!.requests.length
    }
    if (keepFrom > 0) this.samples.splice(0, keepFrom)
  }

  /** Forgets everything: after a rollback, the restored state is judged on its own rounds only. */
  clear(): void {
    this.samples = []
  }

  within(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.at > from && s.at <= to)
  }

  lastRequests(n: number): Sample['requests'] {
    const out: Sample['requests'] = []
    for (let i = this.samples.length - 1; i >= 0 && out.length < n; i--) {
      const reqs = this.samples[i]!.requests
      for (let j = reqs.length - 1; j >= 0 && out.length < n; j--) out.push(reqs[j]!)
    }
    return out
  }
}

/**
 * The built-in metric source: every health-check request is a request. Error rate is the share of failed
 * check requests (over the window or the last N); availability the share of passed rounds; a latency
 * percentile is taken over the requests that got an answer (or timed out), nearest-rank.
 */
export class ProbeSource implements MetricSource {
  constructor(private readonly history: (app: string) => ProbeHistory | undefined) {}

  observe(app: string, round: HealthRound, at: number): void {
    this.history(app)?.add(round, at)
  }

  forget(app: string): void {
    this.history(app)?.clear()
  }

  async measure(q: MetricQuery): Promise<Measurement> {
    const h = this.history(q.app)
    if (!h) return { phase: 'no-data', reason: `no probe history for ${q.app}` }
    if (q.kind === 'promql') return { phase: 'error', error: 'PromQL needs the Prometheus source' }
    if (q.kind === 'error_rate' && q.lastRequests !== undefined) {
      const reqs = h.lastRequests(q.lastRequests)
      return reqs.length === 0
        ? noRequests()
        : { phase: 'value', value: reqs.filter((r) => !r.ok).length / reqs.length, samples: reqs.length }
    }
    const rounds = h.within(q.at - q.windowMs, q.at)
    if (q.kind === 'availability') {
      if (rounds.length === 0) return { phase: 'no-data', reason: 'no probe rounds in the window' }
      return { phase: 'value', value: rounds.filter((r) => r.passed).length / rounds.length, samples: rounds.length }
    }
    const reqs = rounds.flatMap((r) => r.requests)
    if (q.kind === 'error_rate')
      return reqs.length === 0
        ? noRequests()
        : { phase: 'value', value: reqs.filter((r) => !r.ok).length / reqs.length, samples: reqs.length }
    const latencies = reqs
      .filter((r) => r.answered)
      .map((r) => r.latencyMs)
      .sort((a, b) => a - b)
    if (latencies.length === 0) return { phase: 'no-data', reason: 'no answered probe in the window' }
    // Rounded first: 99.9 % of 1000 is 999, not 999.0000000000001 (which would take the maximum).
    const rank = Math.max(1, Math.ceil(Number((((q.percentile ?? 95) / 100) * latencies.length).toPrecision(12))))
    return { phase: 'value', value: latencies[rank - 1]!, samples: latencies.length }
  }
}

function noRequests(): Measurement {
  return { phase: 'no-data', reason: 'no probe requests yet' }
}
