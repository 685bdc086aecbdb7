/**
 * What an identity may do. One word per kind of action; `approve:<scenario>` per row of the decision matrix,
 * so a role approves exactly the scenarios it answers for (seed 002: on-call for performance, the security
 * team for security incidents, the database admin for data corruption, the team lead for partial loss).
 */
import { type Scenario, SCENARIOS } from '../config-parts/decision-vocabulary.js'

/**
 * `rollback` is asking for one: the decision matrix decides whether it runs at once or becomes an approval
 * request. `rollback-data` is a rollback that restores a data component; `admin` manages users, tokens and roles.
 */
export const ACTION_PERMISSIONS = [
  'read',
  'snapshot',
  'rollback',
  'rollback-data',
  'incident',
  'break-glass',
  'review',
  'audit-export',
  'admin',
] as const

export type Permission = (typeof ACTION_PERMISSIONS)[number] | `approve:${Scenario}`

export const PERMISSIONS: readonly Permission[] = [...ACTION_PERMISSIONS, ...SCENARIOS.map((s): Permission => `approve:${s}`)]
