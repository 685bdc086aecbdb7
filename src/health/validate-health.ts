import type { ResolvedHealth } from './health-config.js'
import { sleep } from '../core/timers.js'
import { type HealthRound, probeHealth } from './probe-health.js'

export interface ValidationResult {
  outcome: 'passed' | 'failed' | 'unchecked'
  rounds: number
  consecutivePasses: number
  elapsedMs: number
  lastRound?: HealthRound
}

/**
 * Validation after a restore: the app's checks must pass `passes` times in a row within the window, probed
 * every `interval`. One failure resets the streak; running out of window fails. An app without checks is
 * `unchecked`, reported as such, never counted as healthy.
 */
/** What validation reads of an app: its checks and the validation settings of its rollbacks. */
export interface ValidatedApp {
  health: ResolvedHealth
  rollback: { validation: { windowMs: number; passes: number; intervalMs: number } }
}

export async function validateHealth(app: ValidatedApp, signal: AbortSignal): Promise<ValidationResult> {
  const { windowMs, passes, intervalMs } = app.rollback.validation
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  if (app.health.checks.length === 0) return { outcome: 'unchecked', rounds: 0, consecutivePasses: 0, elapsedMs: 0 }
  let rounds = 0
  let streak = 0
  let lastRound: HealthRound | undefined
  while (!signal.aborted) {
    lastRound = await probeHealth(app.health, signal)
    rounds++
    streak = lastRound.state === 'passed' ? streak + 1 : 0
    if (streak >= passes) return { outcome: 'passed', rounds, consecutivePasses: streak, elapsedMs: elapsed(), lastRound }
    if (elapsed() + intervalMs > windowMs) break
    await sleep(intervalMs, signal)
  }
  return { outcome: 'failed', rounds, consecutivePasses: streak, elapsedMs: elapsed(), ...(lastRound ? { lastRound } : {}) }
}
