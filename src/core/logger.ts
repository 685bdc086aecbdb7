import { pino, type Logger as PinoLogger } from 'pino'
import { redact } from './redact.js'

export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error' | 'child'>

/**
 * Logs go to stderr, so stdout stays free for the command's output (`--json` promises one document there).
 * Asked for with LASTGOOD_LOG=LEVEL (a service, a log collector), they are JSON lines. Otherwise only warnings
 * and errors are written, as one line a person reads (`lastgood: warning: …`): a terminal is no place for JSON.
 */
export function createLogger(level = process.env.LASTGOOD_LOG): Logger {
  return pino(
    {
      level: level ?? 'warn',
      base: undefined,
      formatters: { log: (obj) => JSON.parse(redact(JSON.stringify(obj))) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as typeof args)
        },
      },
    },
    level === undefined ? humanLines() : pino.destination(2),
  )
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' }

/** Each pino record as `lastgood: warning: MESSAGE (key=value …)`; the record is already redacted. */
function humanLines(): { write(line: string): void } {
  return {
    write(line) {
      const { level, msg, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>
      const details = Object.entries(fields)
        .map(([k, v]) => `${k}=${detail(v)}`)
        .join(' ')
      process.stderr.write(`lastgood: ${LEVEL_NAMES[level as number] ?? 'log'}: ${detail(msg ?? '')}${details ? ` (${details})` : ''}\n`)
    },
  }
}

function detail(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string')
    return (v as { message: string }).message
  return JSON.stringify(v)
}

/** A logger that drops everything, for library use in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
