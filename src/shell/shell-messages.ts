import { redact } from '../core/redact.js'

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
  return JSON.stringify(shorten(redact(command.trim().replace(/\s*\n\s*/g, '; ')), MAX_COMMAND_CHARS))
}

/** The last lines of stderr, redacted, ready to follow a colon in an error; '' when there are none. */
export function stderrTail(stderr: string): string {
  const tail = lastLines(stderr, TAIL_LINES)
  return tail === '' ? '' : `: ${tail}`
}

/**
 * The last `count` non-empty lines of a command's output, each cut to a readable length. Redacted before
 * anything is cut: a secret cut in half is no longer recognised, and its first half would stay.
 */
export function lastLines(text: string, count: number): string {
  const lines = redact(text)
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-count)
  return lines.map((l) => shorten(l, MAX_LINE_CHARS)).join('\n')
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
