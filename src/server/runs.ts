import { timeId } from '../core/clock.js'
import type { ExitCode } from '../core/errors.js'
import { redact, redactDeep } from '../core/redact.js'
import { EXIT_CODE_OF, type ErrorDocument } from '../operations/error-document.js'
import type { Outcome } from '../operations/operation.js'
import { knownErrorDocument } from './error-reply.js'

/** A finished run is kept this long for whoever follows it; a server restart forgets runs sooner. */
export const RUN_KEPT_MS = 3_600_000

/**
 * A long operation running in the server: `done` when it returned (its result and exit code, which may be 1:
 * it ran and failed), `failed` when it threw (its error document, and the exit code the CLI gives that error).
 */
export interface Run {
  id: string
  operation: string
  status: 'running' | 'done' | 'failed'
  startedAt: string
  endedAt?: string
  exitCode?: ExitCode
  result?: unknown
  error?: ErrorDocument
}

export interface RunsOptions {
  /** Told when a run starts and when it ends (the event stream publishes both). */
  onChange(event: 'run.started' | 'run.ended', run: Run): void
  /** A fault that is not a lastgood error: logged whole here, named only by the run id to the caller. */
  onFault(run: Run, err: unknown): void
}

/**
 * The long operations this server runs, in memory: started by a request that is answered at once, followed with
 * get and wait. Each ends by itself (the server's stop signal ends it at its next step boundary); settled()
 * is what closing waits for.
 */
export class Runs {
  private readonly runs = new Map<string, { run: Run; ended: Promise<void> }>()

  constructor(private readonly o: RunsOptions) {}

  start(operation: string, work: () => Promise<Outcome<unknown>>): Run {
    this.forgetOld()
    let id = timeId('run')
    while (this.runs.has(id)) id = timeId('run')
    const run: Run = { id, operation, status: 'running', startedAt: new Date().toISOString() }
    const ended = work().then(
      (outcome) => this.end(run, { status: 'done', exitCode: outcome.exitCode, result: redactDeep(outcome.result) }),
      (err: unknown) => {
        const known = knownErrorDocument(err)
        if (!known) this.o.onFault(run, err)
        const error = known ?? { code: 'internal', message: `internal error; the server's log has it under run id ${id}`, path: null }
        this.end(run, { status: 'failed', exitCode: EXIT_CODE_OF[error.code], error: { ...error, message: redact(error.message) } })
      },
    )
    this.runs.set(id, { run, ended })
    this.o.onChange('run.started', { ...run })
    return { ...run }
  }

  get(id: string): Run | undefined {
    this.forgetOld()
    const entry = this.runs.get(id)
    return entry && { ...entry.run }
  }

  /** The run once it ends, or as it is when ms pass first. */
  async wait(id: string, ms: number): Promise<Run | undefined> {
    const entry = this.runs.get(id)
    if (entry && entry.run.status === 'running' && ms > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([entry.ended, new Promise((ok) => (timer = setTimeout(ok, ms)))])
      clearTimeout(timer)
    }
    return this.get(id)
  }

  /** When every run now running has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.runs.values()].map((e) => e.ended))
  }

  private end(run: Run, how: Omit<Run, 'id' | 'operation' | 'startedAt'>): void {
    Object.assign(run, how, { endedAt: new Date().toISOString() })
    this.o.onChange('run.ended', { ...run })
  }

  private forgetOld(): void {
    const before = new Date(Date.now() - RUN_KEPT_MS).toISOString()
    for (const [id, { run }] of this.runs) if (run.endedAt !== undefined && run.endedAt < before) this.runs.delete(id)
  }
}
