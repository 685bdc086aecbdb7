import { z } from 'zod'
import { durationRangeProblem, parseDuration, POSITIVE_TIMER_RANGE } from '../config-parts/units.js'
import { reasonMissing } from '../core/errors.js'

/**
 * Input fields of a GET operation arrive as query strings over HTTP (`?app=a&app=b`, `?all=true`) and as
 * values from the command line: these accept both, so one schema serves the CLI and the route.
 */
export function listInput<T extends z.ZodType>(item: T) {
  return z.preprocess((v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(item))
}

export function flagInput() {
  return z
    .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'expected true or false' }))
    .default(false)
}

/** Text a person must give (a reason, a summary): blank is none. `hint` says how, in the CLI's words. */
export function requiredText(hint: string) {
  return z.string({ error: hint }).trim().min(1, { error: hint })
}

/** The reason a state-changing operation records in the audit trail. */
export function reasonInput(what: string) {
  return requiredText(reasonMissing(what))
}

/**
 * A time to come (`--until`): an ISO time such as 2026-11-26T18:00Z, or a duration from now such as 2h, up
 * to a year; as ISO-8601 with milliseconds, the form every stored time has. Measured on the clock of whoever runs
 * the operation, so a duration means the same here and through the server.
 */
export function untilInput() {
  const expectedTime = 'expected an ISO time such as 2026-11-26T18:00Z or a duration from now such as 2h, got {got}'
  const missing = 'needs --until: when it ends by itself, such as 2h or 2026-11-26T18:00Z'
  return z
    .string({ error: () => expectedTime })
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) {
        ctx.issues.push({ code: 'custom', input: text, message: missing })
        return z.NEVER
      }
      const at = Date.now()
      const ms = parseDuration(text)
      const problem = ms === undefined ? undefined : durationRangeProblem(ms, POSITIVE_TIMER_RANGE)
      const t = ms !== undefined ? at + ms : /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN
      const message = problem
        ? `${problem}, got {got}`
        : Number.isNaN(t)
          ? expectedTime
          : t <= at
            ? 'expected a time to come, got {got}'
            : undefined
      if (message) {
        ctx.issues.push({ code: 'custom', input: text, message })
        return z.NEVER
      }
      return new Date(t).toISOString()
    })
}
/** Stored times are ISO-8601 in UTC with milliseconds and compare as text: an input time takes that form. */
export const isoTime = (what: string) =>
  z.iso
    .datetime({ offset: true, error: 'expected an ISO time such as 2026-11-26T04:00:00Z' })
    .transform((t) => new Date(t).toISOString())
    .optional()
    .describe(what)
