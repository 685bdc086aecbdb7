import { z } from 'zod'
import { AGE_RANGE, durationRangeProblem, parseDuration } from '../config-parts/units.js'

const DATE_ONLY = /^\d{4}-\d\d-\d\d$/
// Date.parse reads "12" as a day in 2001: only an ISO date, with a time or without, is taken for one.
const ISO_TIME = /^\d{4}-\d\d-\d\dT/
const MISSING = 'an action item needs --due: a date such as 2026-12-31, a time such as 2026-12-31T17:00Z or a duration from now such as 7d'
const EXPECTED = 'expected a date such as 2026-12-31, a time such as 2026-12-31T17:00Z or a duration from now such as 7d, got {got}'

/**
 * When an action item is due, from what a person wrote: a duration from now (`7d`, `36h`), a date (due by the
 * end of that day, UTC: "due 2026-12-31" still holds on the 31st) or a time. Read where the item is added —
 * on the server, with --server — so "7d" counts from the time it is recorded. A time already past is refused:
 * an item is tracked to be done, not born overdue.
 */
export function dueInput(now: () => number = Date.now) {
  return z.string({ error: () => EXPECTED }).transform((text, ctx) => {
    if (text.trim() === '') {
      ctx.issues.push({ code: 'custom', input: text, message: MISSING })
      return z.NEVER
    }
    const at = dueTime(text.trim(), now())
    if (Number.isNaN(at)) {
      ctx.issues.push({ code: 'custom', input: text, message: EXPECTED })
      return z.NEVER
    }
    if (at <= now()) {
      ctx.issues.push({ code: 'custom', input: text, message: 'expected a due time in the future, got {got}' })
      return z.NEVER
    }
    return new Date(at).toISOString()
  })
}

/** Milliseconds since the epoch, NaN when the text is none of the three forms. */
function dueTime(s: string, now: number): number {
  const ms = parseDuration(s)
  if (ms !== undefined) return durationRangeProblem(ms, AGE_RANGE) === undefined ? now + ms : Number.NaN
  if (DATE_ONLY.test(s)) return Date.parse(`${s}T23:59:59.999Z`)
  return ISO_TIME.test(s) ? Date.parse(s) : Number.NaN
}
