import { AGE_RANGE, type DurationRange, durationRangeProblem, parseDuration } from '../config-parts/units.js'
import { UserError } from '../core/errors.js'

/**
 * A duration option such as `--for 10m`, in milliseconds, within the range of the config key it stands in
 * for: `--for: at most 365d, got "400d"` otherwise.
 */
export function parseDurationOption(flag: string, text: string, range: DurationRange): number {
  const ms = parseDuration(text)
  if (ms === undefined) throw new UserError(`${flag}: expected a duration such as 10m, got "${text}"`)
  const problem = durationRangeProblem(ms, range)
  if (problem) throw new UserError(`${flag}: ${problem}, got "${text}"`)
  return ms
}

/**
 * A point in time given on the command line (`--since`, `--until`): an ISO time such as 2026-11-26 or
 * 2026-11-26T04:00Z, or a duration back from now such as 7d, 12h or 1h30m (up to a century). Returned as
 * ISO-8601 with milliseconds, the form every stored time has, so it compares with them as text.
 */
export function parseTimeOption(flag: string, text: string, now = Date.now()): string {
  const looksBack = parseDuration(text) !== undefined
  if (looksBack) return new Date(now - parseDurationOption(flag, text, AGE_RANGE)).toISOString()
  const t = Date.parse(text)
  if (Number.isNaN(t))
    throw new UserError(`${flag}: expected an ISO time such as 2026-11-26T04:00Z or a duration back from now such as 7d, got "${text}"`)
  return new Date(t).toISOString()
}
