/**
 * The words incidents are described with: their types, severities and the messages sent about them. A leaf
 * module: the configuration schema, incidents and notification channels all take them from here.
 */

export const INCIDENT_TYPES = [
  'complete_system_failure',
  'data_breach_suspected',
  'security_incident',
  'critical_application_failure',
  'data_corruption',
  'performance_degradation',
  'general_emergency',
] as const
export type IncidentType = (typeof INCIDENT_TYPES)[number]

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

/** Message templates a config may override; notify/templates.ts holds the seeds' text of each. */
export const TEMPLATE_NAMES = [
  'incident_declared',
  'rollback_initiated',
  'rollback_complete',
  'status_update',
  'escalation',
  'continuity_activated',
  'continuity_breached',
  'runbook_step_failed',
  'incident_resolved',
  'rollback_superseded',
  'approval_requested',
  'approval_escalated',
  'break_glass',
  'action_item_overdue',
  'breach_assessment_due',
  'schedule_failed',
  'schedule_missed',
] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]
