import type { StepRecord } from './step-record.js'
import type { ValidationResult } from '../health/validate-health.js'
import type { Watchers } from './watchers.js'

/** `interrupted`: a stop signal ended the run at a step boundary of this app; the journal says where. */
export type AppOutcome = 'restored' | 'reverted' | 'failed' | 'not-started' | 'interrupted'

export interface AppReport {
  app: string
  target: string
  safety: string | null
  outcome: AppOutcome
  from: Record<string, string>
  to: Record<string, string>
  restorePaths: Record<string, string>
  validation: ValidationResult | null
  error: string | null
}

export interface RollbackReport {
  run: string
  /**
   * `interrupted`: a stop signal (SIGINT, SIGTERM) ended it at a step boundary after it had changed something,
   * journaled for `--resume`; `not-started`: it stopped before it changed anything, so it is closed.
   */
  status: 'succeeded' | 'failed' | 'interrupted' | 'not-started'
  /** Where an interrupted or not-started run stopped, and why. */
  stopped?: { at: string; why: string }
  reason: string
  actor: string
  startedAt: string
  /** Set when this report ends a resumed run: who resumed it, why, and when. */
  resumed?: { actor: string; reason: string; at: string }
  endedAt: string
  /** Of this attempt: a resumed run's earlier attempts are in its steps, not in this figure. */
  durationMs: number
  apps: AppReport[]
  /** The whole journal of the run, earlier attempts included. */
  steps: StepRecord[]
  /** After a run that ended: whether the monitoring and the backups still work (absent when it was stopped). */
  watchers?: Watchers
}
