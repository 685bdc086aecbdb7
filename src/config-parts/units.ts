import { z } from 'zod'

/**
 * Units people write in lastgood.yaml: durations (`30s`, `1h30m`), percentages (`5%`) and sizes (`50MB`).
 * Parsing is strict (no bare numbers: `timeout: 30` could mean seconds or milliseconds, so it is refused),
 * and every parse has a format that reads back to the same value, so reports can print what the file says.
 *
 * The zod schemas' messages carry `{got}`: format-issues.ts puts the offending value there, because only it
 * knows the config path and so whether the value is a secret that must not be echoed.
 */

const DURATION_UNITS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const
type DurationUnit = keyof typeof DURATION_UNITS

// `ms` before `m` and `s` in the alternation, or `500ms` would read as 500 minutes and a stray `s`.
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y
const DURATION_SHAPE = /^(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+$/

/** Milliseconds in a duration such as `500ms`, `30s`, `5m`, `2h`, `30d` or `1h30m`; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim()
  if (!DURATION_SHAPE.test(s)) return undefined
  DURATION_PART.lastIndex = 0
  let total = 0
  const seen = new Set<string>()
  for (let m = DURATION_PART.exec(s); m; m = DURATION_PART.exec(s)) {
    const unit = m[2] as DurationUnit
    // `1m30m` is a typo, not 31 minutes.
    if (seen.has(unit)) return undefined
    seen.add(unit)
    total += Number(m[1]) * DURATION_UNITS[unit]
  }
  const ms = Math.round(total)
  return Number.isSafeInteger(ms) ? ms : undefined
}

/** The shortest compound form of a whole number of milliseconds: 5_400_000 → `1h30m`, 0 → `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`)
  let rest = Math.round(ms)
  if (rest === 0) return '0s'
  let out = ''
  for (const [unit, size] of Object.entries(DURATION_UNITS)) {
    const n = Math.floor(rest / size)
    if (n > 0) {
      out += `${n}${unit}`
      rest -= n * size
    }
  }
  return out
}

const PERCENTAGE = /^(\d+(?:\.\d+)?)\s*%$/

/** A fraction from a percentage such as `5%` (0.05) or `0.5%` (0.005); undefined outside 0–100 %. */
export function parsePercentage(text: string): number | undefined {
  const m = PERCENTAGE.exec(text.trim())
  if (!m) return undefined
  const percent = Number(m[1])
  if (percent > 100) return undefined
  // Rounded to 15 digits so decimal percentages stay decimal fractions (`0.7%` is 0.007, not 0.0069999…).
  return Number((percent / 100).toPrecision(15))
}

export function formatPercentage(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(12))}%`
}

/**
 * Builds a string schema that parses with `parse`, with one message for every way the input can be wrong.
 * `check` narrows the parsed value (a timeout of 0 is a duration, but not a timeout) with its own message.
 */
function unitSchema(
  expected: string,
  pattern: RegExp,
  parse: (s: string) => number | undefined,
  check?: (value: number) => string | undefined,
) {
  const message = `expected ${expected}, got {got}`
  return z
    .string({ error: () => message })
    .regex(pattern, { error: () => message })
    .transform((s, ctx) => {
      const value = parse(s)
      if (value === undefined) {
        ctx.issues.push({ code: 'custom', input: s, message })
        return z.NEVER
      }
      const problem = check?.(value)
      if (problem) {
        // The text as written, not the parsed number, is what the message quotes.
        ctx.issues.push({ code: 'custom', input: s, message: `${problem}, got {got}` })
        return z.NEVER
      }
      return value
    })
}

const DAY = DURATION_UNITS.d

/** The durations a key accepts, in milliseconds; json-schema.ts publishes each key's range. */
export interface DurationRange {
  /** 1 for a duration that must be more than zero. */
  min: 0 | 1
  max: number
}

/**
 * A wait or a timeout (intervals, windows, cooldowns, escalation times): up to a year, which lastgood's
 * timers honour exactly (core/timers.ts chains the waits Node cannot take in one go).
 */
export const TIMER_RANGE: DurationRange = { min: 0, max: 365 * DAY }
/** A timer that must be more than zero: a timeout of 0s would fail everything at once. */
export const POSITIVE_TIMER_RANGE: DurationRange = { min: 1, max: TIMER_RANGE.max }
/** How far back to look or keep (`keep_within`, `--since`): a century, measured from now, never waited out. */
export const AGE_RANGE: DurationRange = { min: 0, max: 36_525 * DAY }

/** What is wrong with `ms` for `range`, without the value (`at most 365d`); undefined when it fits. */
export function durationRangeProblem(ms: number, range: DurationRange): string | undefined {
  if (ms < range.min) return 'expected a duration greater than 0 such as 30s'
  if (ms > range.max) return `at most ${formatDuration(range.max)}`
  return undefined
}

const DURATION_PATTERN = /^\s*(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+\s*$/

/** `30s` → 30000 (milliseconds), within `range`. */
export const durationSchema = (range: DurationRange = TIMER_RANGE) =>
  unitSchema('a duration such as 30s', DURATION_PATTERN, parseDuration, (ms) => durationRangeProblem(ms, range)).meta({
    durationRange: { min: formatDuration(range.min), max: formatDuration(range.max) },
  })

/** A duration that must be more than zero (timeouts, intervals, windows). */
export const positiveDurationSchema = () => durationSchema(POSITIVE_TIMER_RANGE)

/** An age (`keep_within`): how long ago, up to a century. */
export const ageSchema = () => durationSchema(AGE_RANGE)

/** `5%` → 0.05. */
export const percentageSchema = () => unitSchema('a percentage such as 5%', /^\s*\d+(?:\.\d+)?\s*%\s*$/, parsePercentage)
