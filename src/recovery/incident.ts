import type { IncidentType, Severity } from '../config-parts/incident-vocabulary.js'

export { INCIDENT_TYPES, type IncidentType, SEVERITIES, type Severity } from '../config-parts/incident-vocabulary.js'

/** declared → mitigating (a runbook or a person acts) → monitoring (recovered, watched) → resolved. */
export const INCIDENT_STATUSES = ['declared', 'mitigating', 'monitoring', 'resolved'] as const
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number]

/** The seeds' decision matrix: security incidents and data corruption are emergencies, a slowdown is not. */
export const DEFAULT_SEVERITY: Record<IncidentType, Severity> = {
  complete_system_failure: 'critical',
  data_breach_suspected: 'critical',
  security_incident: 'critical',
  data_corruption: 'critical',
  critical_application_failure: 'high',
  general_emergency: 'high',
  performance_degradation: 'medium',
}

export interface Incident {
  id: string
  type: IncidentType
  severity: Severity
  status: IncidentStatus
  /** Apps in recovery-priority order. */
  scope: string[]
  reason: string
  openedAt: string
  openedBy: string
  /** 0 until the first escalation level is applied. */
  level: number
  levelAt: string | null
  /** Channels told so far; every later update goes to all of them. */
  audience: string[]
  summary: string | null
  resolvedAt: string | null
  resolvedBy: string | null
  /** A platform snapshot or snapshot that recovery restores; null: each app's last known good. */
  recoveryTarget: string | null
  nextUpdateAt: string | null
  details: Record<string, unknown>
}

/**
 * Status only moves forward, except monitoring → mitigating (a recovered app failed again); resolved is
 * final.
 */
export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  if (from === 'resolved') return false
  if (from === 'monitoring' && to === 'mitigating') return true
  return INCIDENT_STATUSES.indexOf(to) > INCIDENT_STATUSES.indexOf(from)
}

export function isIncidentType(t: string): t is IncidentType {
  return Object.keys(DEFAULT_SEVERITY).includes(t)
}
