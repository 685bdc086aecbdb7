/**
 * The words of the decision matrix (seed 002): the scenarios an action is taken in, the kinds of rollback,
 * the environments a platform runs as. A leaf module: the configuration schema, the resolved configuration
 * and decisions/ all take them from here.
 */

/** Every action (a trigger's, a person's, an incident's) is taken in exactly one of these. */
export const SCENARIOS = [
  'error_rate',
  'performance_degradation',
  'security_incident',
  'data_corruption',
  'partial_functionality_loss',
  'emergency',
] as const
export type Scenario = (typeof SCENARIOS)[number]

/** automatic: lastgood acts alone; manual: a person asks; emergency: at once, on the shortest clock. */
export const ROLLBACK_TYPES = ['automatic', 'manual', 'emergency'] as const
export type RollbackType = (typeof ROLLBACK_TYPES)[number]

export const ENVIRONMENTS = ['production', 'staging', 'development'] as const
export type Environment = (typeof ENVIRONMENTS)[number]

/** The permission whose holders approve an action of `scenario`; auth/ grants it to roles. */
export type ApprovePermission = `approve:${Scenario}`

/** One row of the matrix as the rest of lastgood sees it: target in milliseconds (`rto` resolved). */
export interface ResolvedDecisionRow {
  scenario: Scenario
  rollback: RollbackType
  targetMs: number
  approval: 'none' | 'required'
  /** The row's approval and flag hold in these environments only; absent: in every one. */
  environments?: Environment[]
  /** Flagged in the audit trail and reviewed afterwards, like break-glass. */
  flagged: boolean
}
