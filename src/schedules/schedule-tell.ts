import { appendAuditIn } from '../audit/audit-log.js'
import type { AuditOutcome } from '../audit/audit-event.js'
import type { ResolvedConfig, ResolvedSchedule } from '../config/types.js'
import { enqueueNotifications } from '../notify/enqueue.js'
import type { StateDb } from '../state/open-state.js'
import type { ScheduleRunTable } from '../state/schema.js'
import { cronOf } from './cron.js'
import { SCHEDULER_ACTOR } from './schedule-jobs.js'

/** A schedule as far as telling about it goes: one no longer configured keeps its name and job. */
export type ScheduleRef = Pick<ResolvedSchedule, 'name' | 'job' | 'notify'> & Partial<Pick<ResolvedSchedule, 'cron' | 'timezone'>>

/** The audit event of a run that ended, was skipped or missed, in the transaction that records it. */
export async function auditScheduleRow(tx: StateDb, row: ScheduleRunTable, outcome: AuditOutcome, reason: string): Promise<void> {
  await appendAuditIn(tx, {
    actor: SCHEDULER_ACTOR,
    action: row.outcome === 'missed' ? 'schedule.missed' : 'schedule.run',
    target: row.schedule,
    reason,
    outcome,
    details: {
      run: row.id,
      job: row.job,
      result: row.outcome,
      dueAt: row.due_at,
      ...(row.occurrences > 1 ? { lastDueAt: row.last_due_at, occurrences: row.occurrences } : {}),
      startedAt: row.started_at,
      ...(row.ended_at ? { endedAt: row.ended_at, durationMs: Date.parse(row.ended_at) - Date.parse(row.started_at) } : {}),
    },
  })
}

/** Queues the message about a run that failed or due times that were missed to the schedule's channels. */
export async function tellSchedule(tx: StateDb, config: ResolvedConfig, s: ScheduleRef, row: ScheduleRunTable, now: Date): Promise<void> {
  if (s.notify.length === 0) return
  const missed = row.outcome === 'missed'
  const next = s.cron && s.timezone ? cronOf(s.cron, s.timezone).nextRun(now) : null
  await enqueueNotifications(tx, config, {
    kind: missed ? 'schedule_missed' : 'schedule_failed',
    channels: s.notify,
    severity: missed ? 'medium' : 'high',
    subject: `schedule/${s.name}`,
    vars: {
      schedule: s.name,
      job: s.job,
      due: row.due_at,
      status: row.outcome,
      error: row.summary ?? 'n/a',
      summary: missed ? `${row.occurrences} due time(s) from ${row.due_at} to ${row.last_due_at}` : (row.summary ?? 'n/a'),
      reason: 'no lastgood serve ran them (down, or stalled)',
      next: next ? `${next.toISOString()} (${s.timezone})` : 'not scheduled',
      command: `lastgood status (its schedules), lastgood audit log (its schedule.run events, target ${s.name})`,
    },
  })
}
