import { pino, type Logger as PinoLogger } from 'pino'
import { redact } from './redact.js'

export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error' | 'child'>

/**
 * Logs go to stderr as JSON lines, so stdout stays free for the command's output (`--json` promises one
 * document there). Level from LASTGOOD_LOG (default `warn`: the CLI speaks through its own output).
 */
export function createLogger(level = process.env.LASTGOOD_LOG ?? 'warn'): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: { log: (obj) => JSON.parse(redact(JSON.stringify(obj))) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as typeof args)
        },
      },
    },
    pino.destination(2),
  )
}

/** A logger that drops everything, for library use in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
