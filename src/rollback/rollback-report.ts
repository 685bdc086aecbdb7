import type { StepRecord } from './step-record.js'
import type { ValidationResult } from './validate-health.js'

export type AppOutcome = 'restored' | 'reverted' | 'failed' | 'not-started'

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
  status: 'succeeded' | 'failed'
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
}
