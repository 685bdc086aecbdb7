import type { AuditEvent } from './audit-event.js'

/**
 * Which audit events are recovery actions, for the compliance report. Prefixes cover families whose members
 * grow (every incident timeline kind is `incident.<kind>`; every rollback step of a run is `rollback.<x>`).
 */
const PREFIXES = [
  'rollback.', // start, resume, app, finish, abandon
  'incident.', // declared, status, escalation, runbook.*, evidence, rollback.*, notification.*, continuity.*, resolved…
  'monitor.rollback.', // the monitor's automatic rollbacks: queued, done, skipped
  'monitor.run.', // unfinished runs it found and resumed
  'continuity.', // a plan activated (manual fallback in use) and ended, with or without an incident
  'approval.', // requested, approved, rejected, escalated, expired, stale, refused, executed
  'break-glass.', // a grant opened, refused, or run out
  'review.', // a review of emergency access opened, closed, refused
]

const ACTIONS = new Set([
  'monitor.decision', // rollback, alert or escalate, and why
  'monitor.alert.recorded', // a pending rollback proposed for a person to run
  'monitor.escalation.recorded',
  'lock.takeover', // a stale rollback lock taken over before a resume or an abandon
  'snapshot.mark-good', // vouching for a snapshot makes it a target of automatic rollback (and ends rejections)
  'release.reject', // a release a rollback moved away from: never an automatic target again
  'drill.result', // a rehearsal of recovery, measured against the RTO
])

/** Snapshots taken for recovery rather than before a deploy: evidence of an incident, and a rollback's safety net. */
const RECOVERY_SNAPSHOT_KINDS = new Set(['emergency', 'safety'])

export function isRecoveryAction(e: Pick<AuditEvent, 'action' | 'details'>): boolean {
  if (ACTIONS.has(e.action) || PREFIXES.some((p) => e.action.startsWith(p))) return true
  return e.action === 'snapshot.create' && RECOVERY_SNAPSHOT_KINDS.has(String(e.details.kind))
}

/**
 * The actions a recovery action can have, for a query to fetch only those (its details are then parsed and
 * isRecoveryAction decides): these exactly, or starting with one of `prefixes`. No prefix holds a LIKE
 * wildcard (`%`, `_`).
 */
export const RECOVERY_ACTION_CANDIDATES = { actions: [...ACTIONS, 'snapshot.create'], prefixes: PREFIXES } as const
