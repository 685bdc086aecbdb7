import { Cron } from 'croner'

/** What a schedule can run; `database-backup` joins them when lastgood takes database backups. */
export const SCHEDULE_JOBS = ['snapshot-create', 'snapshot-prune', 'snapshot-verify', 'drill'] as const
export type ScheduleJob = (typeof SCHEDULE_JOBS)[number]

export const CRON_EXAMPLE = '0 3 * * *'

/**
 * A cron expression in a time zone, as the cron library (croner) reads it: five fields, or six with seconds
 * first. Paused: lastgood asks it for due times against its own clock and starts nothing on croner's timers,
 * so a test can move time and a restarted server can tell which times passed while it was down.
 */
export function cronOf(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, paused: true, mode: '5-or-6-parts' })
}

/**
 * A due time run later than this after it is late: it counts as missed (the server was down or stalled), and
 * is still run once to catch up. A server ticks every second, so a run on time starts well within it.
 */
export const ON_TIME_MS = 60_000

/** How many due times `dueBetween` counts before it stops (a seconds schedule over a week's downtime). */
export const MAX_COUNTED = 10_000

export interface DueTimes {
  /** The earliest due time after `after`. */
  first: Date
  /** The latest due time at or before `until`. */
  latest: Date
  /** How many there are, first and latest included; MAX_COUNTED at most. */
  count: number
}

/** The due times in (after, until]; undefined when there is none. */
export function dueBetween(cron: Cron, after: Date, until: Date): DueTimes | undefined {
  const first = cron.nextRun(after)
  if (!first || first > until) return undefined
  let latest = first
  let count = 1
  for (let next = cron.nextRun(first); next && next <= until; next = cron.nextRun(next)) {
    latest = next
    if (++count >= MAX_COUNTED) {
      // Past the count, only the latest matters: the one a catch-up runs.
      latest = cron.previousRuns(1, new Date(until.getTime() + 1))[0] ?? latest
      break
    }
  }
  return { first, latest, count }
}
