import type { ResolvedDecisionRow, Scenario } from '../config-parts/decision-vocabulary.js'
import type { ConfigYaml } from './schema.js'
import type { ResolvedConfig } from './types.js'

/** The decision settings in milliseconds, each row's `target: rto` as the platform's objectives.rto. */
export function resolveDecisions(config: ConfigYaml): Pick<ResolvedConfig, 'environment' | 'decisionMatrix' | 'approvals'> {
  const matrix = config.decision_matrix
  return {
    environment: config.environment,
    ...(matrix
      ? {
          decisionMatrix: Object.fromEntries(
            Object.entries(matrix).map(([scenario, row]): [string, ResolvedDecisionRow] => [
              scenario,
              {
                scenario: scenario as Scenario,
                rollback: row.rollback,
                targetMs: row.target === 'rto' ? config.objectives.rto : row.target,
                approval: row.approval,
                ...(row.environments ? { environments: [...new Set(row.environments)] } : {}),
                flagged: row.flagged,
              },
            ]),
          ) as Record<Scenario, ResolvedDecisionRow>,
        }
      : {}),
    approvals: { expireAfterMs: config.approvals.expire_after },
  }
}
