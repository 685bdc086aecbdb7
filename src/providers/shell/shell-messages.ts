import { redact } from '../../core/redact.js'

/** How a duration reads in an error: 300000 → "5m", 90000 → "1m30s", 1500 → "1.5s", 250 → "250ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`
}

const MAX_COMMAND_CHARS = 200
const TAIL_LINES = 10
const MAX_LINE_CHARS = 500

/**
 * A command as quoted in an error: redacted, because teams put tokens on command lines
 * (`wrangler … --api-token …`), and shortened, because a whole script does not help anyone read the error.
 */
export function describeCommand(command: string): string {
  const oneLine = command.trim().replace(/\s*\n\s*/g, '; ')
  const short = oneLine.length > MAX_COMMAND_CHARS ? `${oneLine.slice(0, MAX_COMMAND_CHARS)}…` : oneLine
  return JSON.stringify(redact(short))
}

/** The last lines of stderr, redacted, ready to follow a colon in an error; '' when there are none. */
export function stderrTail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-TAIL_LINES)
    .map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l))
  return lines.length === 0 ? '' : `: ${redact(lines.join('\n'))}`
}
