import type { AuditOutcome } from '../audit/audit-event.js'
import { appendAuditIn } from '../audit/audit-log.js'
import { redact, redactDeep } from '../core/redact.js'
import type { StateDb } from '../state/open-state.js'

/**
 * An incident's timeline: every action taken for it, to the millisecond, in order. Each entry is written
 * together with its audit event (action `incident.<kind>`) in the caller's write transaction, so the
 * timeline and the tamper-evident chain never disagree.
 *
 * Kinds: declared, status, escalation, note, runbook.started, runbook.step, runbook.finished,
 * snapshot, evidence, rollback.started, rollback.done, recovery.app, notification.queued, notification.sent,
 * notification.failed, continuity.activated, continuity.breached, continuity.ended, approval.requested,
 * review.opened, breach.deadline, breach.reminder, breach.assessed, resolved.
 */
export interface TimelineEntry {
  seq: number
  /** ISO-8601 with milliseconds: when it happened. */
  at: string
  kind: string
  actor: string
  /** One line for people. */
  message: string
  data: Record<string, unknown>
}

export interface TimelineInput {
  kind: string
  actor: string
  message: string
  data?: Record<string, unknown>
  /** When it happened (ms); default now. */
  at?: number
  outcome?: AuditOutcome
}

export async function recordTimeline(tx: StateDb, incidentId: string, e: TimelineInput): Promise<TimelineEntry> {
  const last = await tx
    .selectFrom('incident_timeline')
    .select('seq')
    .where('incident_id', '=', incidentId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const entry: TimelineEntry = {
    seq: Number(last?.seq ?? 0) + 1,
    at: new Date(e.at ?? Date.now()).toISOString(),
    kind: e.kind,
    actor: redact(e.actor),
    message: redact(e.message),
    data: redactDeep(e.data ?? {}),
  }
  await tx
    .insertInto('incident_timeline')
    .values({
      incident_id: incidentId,
      seq: entry.seq,
      at: entry.at,
      kind: entry.kind,
      actor: entry.actor,
      message: entry.message,
      data: JSON.stringify(entry.data),
    })
    .execute()
  await appendAuditIn(tx, {
    actor: entry.actor,
    action: `incident.${entry.kind}`,
    target: incidentId,
    reason: entry.message,
    outcome: e.outcome ?? 'success',
    details: { at: entry.at, seq: entry.seq, ...entry.data },
  })
  return entry
}

export async function loadTimeline(db: StateDb, incidentId: string): Promise<TimelineEntry[]> {
  const rows = await db.selectFrom('incident_timeline').selectAll().where('incident_id', '=', incidentId).orderBy('seq', 'asc').execute()
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    kind: r.kind,
    actor: r.actor,
    message: r.message,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }))
}
