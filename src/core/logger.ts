import { createRequire } from 'node:module'
import type { pino as Pino, Logger as PinoLogger } from 'pino'
import { redact } from './redact.js'

type LogFn = (fields: Record<string, unknown>, message: string) => void

/** A record is its fields and a message, at one of four levels. */
export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
}

const LEVEL_VALUES: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity }

/**
 * Logs go to stderr, so stdout stays free for the command's output (`--json` promises one document there).
 * Asked for with LASTGOOD_LOG=LEVEL (a service, a log collector), they are JSON lines. Otherwise only warnings
 * and errors are written, as one line a person reads (`lastgood: warning: …`): a terminal is no place for JSON.
 * pino is loaded by the first record at or above the level: most commands write none.
 */
export function createLogger(level = process.env.LASTGOOD_LOG): Logger {
  let logger: PinoLogger | undefined
  const load = () => (logger ??= pinoLogger(level))
  const threshold = LEVEL_VALUES[level ?? 'warn']
  // pino says what is wrong with a level it does not know, at once rather than at the first record.
  if (threshold === undefined) load()
  const at =
    (name: keyof Logger): LogFn =>
    (fields, message) => {
      if (LEVEL_VALUES[name]! >= threshold!) load()[name](fields, message)
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** How a service's logger writes what it is handed: paths never written, and how to write an object of a key. */
export interface ServiceLogOptions {
  /** pino paths whose values are never written (the credential headers of a request). */
  redactPaths?: string[]
  /** Turn a live object (a request, a reply) into what the line shows, before it is redacted and written. */
  serializers?: Record<string, (value: unknown) => unknown>
}

function pinoLogger(level: string | undefined, opts: ServiceLogOptions = {}): PinoLogger {
  // pino is CommonJS: required synchronously, so logging stays a plain call.
  const { pino } = createRequire(import.meta.url)('pino') as { pino: typeof Pino }
  const serializers = opts.serializers ?? {}
  // pino formats a record before it serializes its keys, and redaction needs plain data: so the serializers run
  // in the formatter, and what pino (or a library's child logger, such as fastify's) would serialize after is
  // passed through as it is.
  const plain = (obj: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, serializers[k] && v !== undefined ? serializers[k](v) : v]))
  const asIs = Object.fromEntries(Object.keys(serializers).map((k) => [k, (v: unknown) => v]))
  return pino(
    {
      level: level ?? 'warn',
      base: undefined,
      formatters: { log: (obj) => JSON.parse(redact(JSON.stringify(plain(obj)))) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as typeof args)
        },
      },
      ...(opts.serializers ? { serializers: asIs } : {}),
      ...(opts.redactPaths?.length ? { redact: { paths: opts.redactPaths, censor: '[redacted]' } } : {}),
    },
    level === undefined ? humanLines() : pino.destination(2),
  )
}

/**
 * The pino logger itself, JSON lines on stderr with the same redaction, for a library that takes one (the HTTP
 * server of `lastgood serve`).
 */
export function jsonLogger(level: string, opts: ServiceLogOptions): PinoLogger {
  return pinoLogger(level, opts)
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
  return createLogger('silent')
}
