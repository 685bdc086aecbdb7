import type { ResolvedSchedule } from '../config/types.js'
import type { StateDb } from '../state/open-state.js'
import type { ScheduleRunTable } from '../state/schema.js'
import { cronOf, ON_TIME_MS, type ScheduleJob } from './cron.js'

export interface ScheduleRunView {
  id: string
  outcome: string
  dueAt: string
  startedAt: string
  endedAt: string | null
  summary: string | null
}

export interface ScheduleStatus {
  name: string
  job: ScheduleJob
  cron: string
  timezone: string
  /** The next due time not handled yet; in the past when overdue. */
  nextRun: string | null
  /** Its next due time passed more than a minute ago and nothing ran it: no server is running schedules. */
  overdue: boolean
  running: ScheduleRunView | null
  /** The last run that ended: succeeded, failed or interrupted. */
  lastRun: ScheduleRunView | null
  /** The last due times recorded missed (they passed while no server ran), and how many. */
  lastMissed: { recordedAt: string; from: string; to: string; count: number } | null
  /** Due times missed since the schedule was first seen. */
  missedTotal: number
  /** What someone should look at: the last run failed, or the schedule is overdue; null when all is well. */
  problem: string | null
}

const ENDED = ['succeeded', 'failed', 'interrupted']

/**
 * Each schedule as the state records it, for `status` and /metrics: its next due time, its last run, what it
 * missed. Read from the state, not from a server's memory, so a command run anywhere sees what every server did.
 */
export async function scheduleStatuses(db: StateDb, schedules: ResolvedSchedule[], now: Date): Promise<ScheduleStatus[]> {
  if (schedules.length === 0) return []
  const names = schedules.map((s) => s.name)
  const cursors = new Map(
    (await db.selectFrom('schedule_cursors').selectAll().where('name', 'in', names).execute()).map((c) => [c.name, c]),
  )
  const totals = new Map(
    (
      await db
        .selectFrom('schedule_runs')
        .select((eb) => ['schedule', eb.fn.sum<number | string>('occurrences').as('missed')])
        .where('schedule', 'in', names)
        .where('outcome', '=', 'missed')
        .groupBy('schedule')
        .execute()
    ).map((r) => [r.schedule, Number(r.missed)]),
  )
  const out: ScheduleStatus[] = []
  for (const s of schedules) {
    const latest = (outcomes: string[]) =>
      db
        .selectFrom('schedule_runs')
        .selectAll()
        .where('schedule', '=', s.name)
        .where('outcome', 'in', outcomes)
        .orderBy('started_at', 'desc')
        .limit(1)
        .executeTakeFirst()
    const [running, lastRun, missed] = await Promise.all([latest(['running']), latest(ENDED), latest(['missed'])])
    const cursor = cursors.get(s.name)
    // A cursor of another expression or zone is the old schedule's: the server starts this one afresh.
    const counted = cursor && cursor.spec === `${s.cron} ${s.timezone}` ? new Date(cursor.handled_until) : undefined
    const next = cronOf(s.cron, s.timezone).nextRun(counted ?? now)
    const overdue = !!next && now.getTime() - next.getTime() > ON_TIME_MS
    out.push({
      name: s.name,
      job: s.job,
      cron: s.cron,
      timezone: s.timezone,
      nextRun: next?.toISOString() ?? null,
      overdue,
      running: running ? view(running) : null,
      lastRun: lastRun ? view(lastRun) : null,
      lastMissed: missed ? { recordedAt: missed.started_at, from: missed.due_at, to: missed.last_due_at, count: missed.occurrences } : null,
      missedTotal: totals.get(s.name) ?? 0,
      problem:
        lastRun && lastRun.outcome !== 'succeeded'
          ? `last run ${lastRun.outcome} at ${lastRun.ended_at}: ${lastRun.summary ?? ''}`
          : overdue
            ? `overdue since ${next.toISOString()}: is \`lastgood serve\` running?`
            : null,
    })
  }
  return out
}

function view(r: ScheduleRunTable): ScheduleRunView {
  return { id: r.id, outcome: r.outcome, dueAt: r.due_at, startedAt: r.started_at, endedAt: r.ended_at, summary: r.summary }
}
