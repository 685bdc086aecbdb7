import { parseDuration } from '../config/units.js'
import { UserError } from '../core/errors.js'

/**
 * A point in time given on the command line (`--since`, `--until`): an ISO time such as 2026-11-26 or
 * 2026-11-26T04:00Z, or a duration back from now such as 7d, 12h or 1h30m. Returned as ISO-8601 with
 * milliseconds, the form every stored time has, so it compares with them as text.
 */
export function parseTimeOption(flag: string, text: string, now = Date.now()): string {
  const ago = parseDuration(text)
  if (ago !== undefined) return new Date(now - ago).toISOString()
  const t = Date.parse(text)
  if (Number.isNaN(t)) throw new UserError(`${flag}: expected an ISO time such as 2026-11-26T04:00Z or a duration back from now such as 7d, got "${text}"`)
  return new Date(t).toISOString()
}
