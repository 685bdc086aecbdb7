import type { ResolvedHealth, ResolvedHealthCheck } from './health-config.js'
import { redact } from '../core/redact.js'
import { startTimer } from '../core/timers.js'
import { probeRequest } from './probe-client.js'
import { messageOf, errCode } from '../core/errors.js'

export interface ProbeResult {
  check: string
  ok: boolean
  status?: number
  latencyMs: number
  /** Why it failed, in words: a status, a missing text, a timeout, a refused connection. */
  error?: string
}

export type HealthState = 'passed' | 'failed' | 'unknown'

export interface HealthRound {
  state: HealthState
  at: string
  probes: ProbeResult[]
}

/** expect_body is looked for in the first MiB of the body: a health answer is small, and a probe stays cheap. */
export const PROBE_BODY_LIMIT = 1024 * 1024

/**
 * Runs one HTTP check. Never throws: a failed measurement is a result (the monitor and the validator decide
 * what a failure means). The body is read only when the check asks for text in it.
 */
export async function probeCheck(check: ResolvedHealthCheck, signal?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now()
  // A timer cleared when the probe ends, not AbortSignal.timeout: the monitor runs hundreds of probes a
  // second, and every AbortSignal.timeout would still fire (an abort event, a DOMException) long after.
  const abort = new AbortController()
  let timedOut = false
  const timer = startTimer(check.timeoutMs, () => {
    timedOut = true
    abort.abort()
  })
  const follow = () => abort.abort()
  signal?.addEventListener('abort', follow, { once: true })
  if (signal?.aborted) abort.abort()
  const done = (ok: boolean, extra: Partial<ProbeResult>): ProbeResult => ({
    check: check.name,
    ok,
    latencyMs: Math.round(performance.now() - started),
    ...extra,
  })
  try {
    const res = await probeRequest(check.url, {
      method: check.method,
      signal: abort.signal,
      bodyLimit: check.expectBody !== undefined ? PROBE_BODY_LIMIT : 0,
    })
    const body = res.body
    if (!check.expectStatus.includes(res.status)) {
      return done(false, { status: res.status, error: `status ${res.status}, expected ${check.expectStatus.join(' or ')}` })
    }
    if (check.expectBody !== undefined && !body.includes(check.expectBody)) {
      return done(false, { status: res.status, error: `body does not contain "${check.expectBody}"` })
    }
    return done(true, { status: res.status })
  } catch (err) {
    const message = timedOut ? `timed out after ${check.timeoutMs} ms` : (errCode(err) ?? messageOf(err))
    return done(false, { error: redact(message) })
  } finally {
    timer.clear()
    signal?.removeEventListener('abort', follow)
  }
}

/** One round of every check of an app, in parallel. No checks configured → `unknown`, never `passed`. */
export async function probeHealth(health: ResolvedHealth, signal?: AbortSignal): Promise<HealthRound> {
  const at = new Date().toISOString()
  if (health.checks.length === 0) return { state: 'unknown', at, probes: [] }
  const probes = await Promise.all(health.checks.map((c) => probeCheck(c, signal)))
  return { state: probes.every((p) => p.ok) ? 'passed' : 'failed', at, probes }
}
