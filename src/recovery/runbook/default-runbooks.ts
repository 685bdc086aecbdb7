import type { IncidentType } from '../../config-parts/incident-vocabulary.js'
import type { ResolvedConfig, ResolvedRunbookStep } from '../../config/types.js'

const DAY = 86_400_000
/** HIPAA 164.404: 60 days from discovery; reminders at 30, 14, 7 and 1 day before, escalated in the last week. */
const breachAssessment: ResolvedRunbookStep = {
  kind: 'breach_assessment',
  notify: [],
  deadlineMs: 60 * DAY,
  remindMs: [30, 14, 7, 1].map((d) => d * DAY),
  escalateWithinMs: 7 * DAY,
  onFailure: 'continue',
}

const evidence = (onFailure: 'stop' | 'continue'): ResolvedRunbookStep => ({ kind: 'preserve_evidence', logs: [], onFailure })

/**
 * The runbook of a type the configuration leaves out. Built-ins cannot isolate, stop writes or page a
 * channel: those need the platform's own commands and channel names, so a configured runbook adds them
 * (docs/disaster-recovery.md: Runbooks). Evidence is kept first wherever something is then changed; it may fail without
 * stopping recovery only where getting the platform back up outranks a complete record (a platform that
 * is down, an app that is down).
 */
export const BUILT_IN_RUNBOOKS: Record<IncidentType, ResolvedRunbookStep[]> = {
  complete_system_failure: [evidence('continue'), { kind: 'recover', onFailure: 'continue' }],
  critical_application_failure: [evidence('continue'), { kind: 'recover', onFailure: 'continue' }],
  security_incident: [evidence('stop'), { kind: 'rollback', onFailure: 'stop' }],
  // The legal clock first: it runs from discovery whatever a later step does.
  data_breach_suspected: [breachAssessment, evidence('stop'), { kind: 'rollback', onFailure: 'stop' }],
  data_corruption: [evidence('stop'), { kind: 'restore_data', onFailure: 'stop' }],
  performance_degradation: [{ kind: 'rollback', onFailure: 'stop' }],
  general_emergency: [evidence('continue')],
}

/** The configured runbook of the type, else the built-in one. */
export function runbookFor(config: ResolvedConfig, type: IncidentType): ResolvedRunbookStep[] {
  return config.runbooks[type] ?? BUILT_IN_RUNBOOKS[type]
}
