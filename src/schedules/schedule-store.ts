import type { ResolvedConfig, ResolvedSchedule } from '../config/types.js'
import { timeId } from '../core/clock.js'
import { HOST, processAlive } from '../core/process-alive.js'
import type { State, StateDb } from '../state/open-state.js'
import type { ScheduleRunTable } from '../state/schema.js'
import { cronOf, dueBetween, ON_TIME_MS } from './cron.js'
import { auditScheduleRow, type ScheduleRef, tellSchedule } from './schedule-tell.js'

/** What one evaluation of a schedule decided: nothing due, a run to start (after recording missed times), or a skip. */
export type Claim = { run: ScheduleRunTable; missed?: ScheduleRunTable } | { skipped: ScheduleRunTable }

/** The cron expression and zone a cursor counts for. */
const specOf = (s: ResolvedSchedule) => `${s.cron} ${s.timezone}`

/**
 * Claims the due times of `s` up to `now`, in one transaction with the audit events and messages it causes: the
 * cursor moves past them only if no other process moved it first, so every due time is handled once however
 * many servers share the state. The latest due time runs; the earlier ones, and the latest too when it is
 * late, are recorded missed; with `busy` (its previous run still going) they are all skipped. A schedule seen
 * for the first time, or changed, starts counting now: nothing was due under it before.
 */
export async function claimDue(
  state: State,
  config: ResolvedConfig,
  s: ResolvedSchedule,
  now: Date,
  busy: boolean,
): Promise<Claim | undefined> {
  const spec = specOf(s)
  // Nearly every tick (each second) finds nothing due: that is decided on a read, not under the write lock every
  // rollback and audit append waits for. Whatever is due is claimed, and checked again, in the transaction.
  const seen = await state.db.selectFrom('schedule_cursors').select(['spec', 'handled_until']).where('name', '=', s.name).executeTakeFirst()
  if (seen && seen.spec === spec && !dueBetween(cronOf(s.cron, s.timezone), new Date(seen.handled_until), now)) return undefined
  return state.writeTransaction(async (tx) => {
    const cursor = await tx.selectFrom('schedule_cursors').selectAll().where('name', '=', s.name).executeTakeFirst()
    if (!cursor || cursor.spec !== spec) {
      const row = { spec, handled_until: now.toISOString() }
      await tx
        .insertInto('schedule_cursors')
        .values({ name: s.name, ...row })
        .onConflict((oc) => oc.column('name').doUpdateSet(row))
        .execute()
      return undefined
    }
    const cron = cronOf(s.cron, s.timezone)
    const due = dueBetween(cron, new Date(cursor.handled_until), now)
    if (!due) return undefined
    const moved = await tx
      .updateTable('schedule_cursors')
      .set({ handled_until: due.latest.toISOString() })
      .where('name', '=', s.name)
      .where('handled_until', '=', cursor.handled_until)
      .executeTakeFirst()
    if (Number(moved.numUpdatedRows) === 0) return undefined

    if (busy) {
      const summary = 'its previous run was still running: runs of a schedule never overlap'
      const skipped = await insertRow(tx, s, {
        outcome: 'skipped',
        first: due.first,
        last: due.latest,
        occurrences: due.count,
        at: now,
        summary,
      })
      await auditScheduleRow(tx, skipped, 'refused', summary)
      return { skipped }
    }
    const late = now.getTime() - due.latest.getTime() > ON_TIME_MS
    const missedCount = due.count - 1 + (late ? 1 : 0)
    let missed: ScheduleRunTable | undefined
    if (missedCount > 0) {
      const lastMissed = late ? due.latest : (cron.previousRuns(1, due.latest)[0] ?? due.first)
      const summary = `${missedCount} due time(s) from ${due.first.toISOString()} to ${lastMissed.toISOString()} passed with no server running them; caught up with one run`
      missed = await insertRow(tx, s, { outcome: 'missed', first: due.first, last: lastMissed, occurrences: missedCount, at: now, summary })
      await auditScheduleRow(tx, missed, 'failure', summary)
      await tellSchedule(tx, config, s, missed, now)
    }
    const run = await insertRow(tx, s, { outcome: 'running', first: due.latest, last: due.latest, occurrences: 1, at: now, summary: null })
    return { run, ...(missed ? { missed } : {}) }
  })
}

/** How a run ended: interrupted when the process running it died first. */
export type RunEnd = { outcome: 'succeeded' | 'failed' | 'interrupted'; summary: string }

/** Records how a run ended, audits it, and tells the schedule's channels unless it succeeded. */
export async function finishRun(
  state: State,
  config: ResolvedConfig,
  s: ScheduleRef,
  run: ScheduleRunTable,
  end: RunEnd,
  now: Date,
): Promise<ScheduleRunTable> {
  return state.writeTransaction(async (tx) => {
    const row = { ...run, outcome: end.outcome, ended_at: now.toISOString(), summary: end.summary }
    await tx
      .updateTable('schedule_runs')
      .set({ outcome: row.outcome, ended_at: row.ended_at, summary: row.summary })
      .where('id', '=', run.id)
      .execute()
    const ok = end.outcome === 'succeeded'
    await auditScheduleRow(tx, row, ok ? 'success' : 'failure', end.summary)
    if (!ok) await tellSchedule(tx, config, s, row, now)
    return row
  })
}

/**
 * Runs left `running` on this host by a process that is gone (killed mid-run) become `interrupted`, audited and
 * told as failures: nothing else would ever end them. Called before this process starts runs of its own.
 */
export async function interruptLeftovers(state: State, config: ResolvedConfig, now: Date): Promise<ScheduleRunTable[]> {
  const rows = await state.db
    .selectFrom('schedule_runs')
    .selectAll()
    .where('outcome', '=', 'running')
    .where('owner_host', '=', HOST)
    .execute()
  const out: ScheduleRunTable[] = []
  for (const run of rows.filter((r) => r.owner_pid === process.pid || !processAlive(r.owner_pid))) {
    // A schedule removed from the configuration since keeps its name and job, and tells the incident channels.
    const s = config.schedules.find((x) => x.name === run.schedule) ?? {
      name: run.schedule,
      job: run.job as ResolvedSchedule['job'],
      notify: config.notifications.incidents,
    }
    const summary = `interrupted: process ${run.owner_pid} on ${run.owner_host} ended before the run did`
    out.push(await finishRun(state, config, s, run, { outcome: 'interrupted', summary }, now))
  }
  return out
}

async function insertRow(
  tx: StateDb,
  s: ResolvedSchedule,
  r: { outcome: 'running' | 'missed' | 'skipped'; first: Date; last: Date; occurrences: number; at: Date; summary: string | null },
): Promise<ScheduleRunTable> {
  const row: ScheduleRunTable = {
    id: timeId('sched', r.at),
    schedule: s.name,
    job: s.job,
    outcome: r.outcome,
    due_at: r.first.toISOString(),
    last_due_at: r.last.toISOString(),
    occurrences: r.occurrences,
    started_at: r.at.toISOString(),
    // Missed and skipped due times are over when recorded; a run ends in finishRun.
    ended_at: r.outcome === 'running' ? null : r.at.toISOString(),
    summary: r.summary,
    owner_host: HOST,
    owner_pid: process.pid,
  }
  await tx.insertInto('schedule_runs').values(row).execute()
  return row
}
