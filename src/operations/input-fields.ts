import { z } from 'zod'
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

/** Stored times are ISO-8601 in UTC with milliseconds and compare as text: an input time takes that form. */
export const isoTime = (what: string) =>
  z.iso
    .datetime({ offset: true, error: 'expected an ISO time such as 2026-11-26T04:00:00Z' })
    .transform((t) => new Date(t).toISOString())
    .optional()
    .describe(what)
