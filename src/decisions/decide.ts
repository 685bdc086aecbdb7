import type { ApprovePermission, ResolvedDecisionRow, RollbackType, Scenario } from '../config-parts/decision-vocabulary.js'
import type { ResolvedApp, ResolvedConfig } from '../config/types.js'

/** What the decision matrix says about one action; the approval engine and break-glass act on it. */
export interface Decision {
  scenario: Scenario
  rollback: RollbackType
  /** Time to recover in this scenario, reported against. */
  targetMs: number
  approval: {
    required: boolean
    /** Held by whoever may approve it (auth/ grants it to roles); named even when no approval is required. */
    permission: ApprovePermission
    /** Different people needed: the largest two-person rule (`approvals: 2`) of the apps acted on. */
    approvers: 1 | 2
  }
  /** Flagged in the audit trail and reviewed afterwards, like break-glass. */
  flagged: boolean
  /**
   * Why: `matrix` (the row decided), `environment` (the row holds in other environments only, so no
   * approval and no flag here), `no-matrix` (none is configured: the seeds' type and target, no approval).
   */
  basis: 'matrix' | 'environment' | 'no-matrix'
}

/**
 * The seeds' decision matrix (seed 002). Without a configured matrix it still gives each scenario its
 * rollback type and target time (`rto`: the platform's objectives.rto), but never an approval or a flag:
 * such a platform works as it did before the matrix existed.
 */
export const SEED_MATRIX: Readonly<
  Record<Scenario, { rollback: RollbackType; target: number | 'rto'; approval: boolean; flagged: boolean }>
> = {
  error_rate: { rollback: 'automatic', target: 2 * 60_000, approval: false, flagged: false },
  performance_degradation: { rollback: 'manual', target: 5 * 60_000, approval: true, flagged: false },
  security_incident: { rollback: 'emergency', target: 60_000, approval: true, flagged: false },
  data_corruption: { rollback: 'emergency', target: 30_000, approval: true, flagged: false },
  partial_functionality_loss: { rollback: 'manual', target: 10 * 60_000, approval: true, flagged: false },
  emergency: { rollback: 'emergency', target: 'rto', approval: false, flagged: true },
}

/** The decision for an action of `scenario` on `apps` (none: a platform-wide action, one approver). */
export function decide(
  config: Pick<ResolvedConfig, 'decisionMatrix' | 'environment' | 'objectives'>,
  scenario: Scenario,
  apps: Pick<ResolvedApp, 'approvals'> | readonly Pick<ResolvedApp, 'approvals'>[] = [],
): Decision {
  const list = 'approvals' in apps ? [apps] : apps
  const approvers = list.some((a) => a.approvals === 2) ? 2 : 1
  const permission: ApprovePermission = `approve:${scenario}`
  const row: ResolvedDecisionRow | undefined = config.decisionMatrix?.[scenario]
  if (!row) {
    const seed = SEED_MATRIX[scenario]
    const targetMs = seed.target === 'rto' ? config.objectives.rtoMs : seed.target
    return {
      scenario,
      rollback: seed.rollback,
      targetMs,
      approval: { required: false, permission, approvers },
      flagged: false,
      basis: 'no-matrix',
    }
  }
  const holds = !row.environments || row.environments.includes(config.environment)
  return {
    scenario,
    rollback: row.rollback,
    targetMs: row.targetMs,
    approval: { required: holds && row.approval === 'required', permission, approvers },
    flagged: holds && row.flagged,
    basis: holds ? 'matrix' : 'environment',
  }
}
