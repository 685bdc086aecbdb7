import type { AuditInput } from '../audit/audit-event.js'
import { appendAuditIn } from '../audit/audit-log.js'
import { isoNow } from '../core/clock.js'
import { HOST } from '../core/process-alive.js'
import { redact } from '../core/redact.js'
import type { State, StateDb } from '../state/open-state.js'
import { closeDeadRunIn } from './close-run.js'
import { durableWriteDone } from './fault-injection.js'
import type { PersistedPlan } from './persisted-plan.js'
import { type StepName, type StepRecord, type StepStatus, toStepRow } from './step-record.js'
import type { TargetLock } from './target-lock.js'
import { messageOf } from '../core/errors.js'

export type { StepName, StepRecord, StepStatus } from './step-record.js'

type StepResult<T> = { value: T; status?: StepStatus; detail?: Record<string, unknown> }

/**
 * The durable record of one rollback run: each step is written when it starts and again when it ends, so
 * a run that was killed shows exactly the step it stopped in, and a resume knows what already took effect.
 * Every write first checks that this run still holds its lock (fencing): a paused run whose lock was taken
 * over cannot record, and so cannot act. The run's audit events commit in the same transaction as the
 * journal write they describe, so a crash can lose neither without the other.
 */
export class Journal {
  private seq: number

  private constructor(
    private readonly state: State,
    private readonly lock: TargetLock,
    /** Every step of the run so far, earlier attempts included. */
    readonly steps: StepRecord[],
    /** Whether earlier attempts of this run exist (it was resumed). */
    readonly resumed: boolean,
  ) {
    this.seq = steps.at(-1)?.seq ?? 0
  }

  /** Set by the caller: once aborted, no further step starts (RunInterrupted), and a cut step is `interrupted`. */
  stop: AbortSignal | undefined

  get runId(): string {
    return this.lock.runId
  }

  /** Records a new run, its plan and its `rollback.start` event. */
  static async begin(
    state: State,
    lock: TargetLock,
    run: { apps: string[]; reason: string; actor: string; plan: PersistedPlan },
    audit: AuditInput,
  ): Promise<Journal> {
    const journal = new Journal(state, lock, [], false)
    await journal.commit(async (tx) => {
      await tx
        .insertInto('rollback_runs')
        .values({
          id: lock.runId,
          apps: JSON.stringify(run.apps),
          status: 'running',
          reason: run.reason,
          actor: run.actor,
          started_at: isoNow(),
          ended_at: null,
          owner_host: HOST,
          owner_pid: process.pid,
          report: null,
          plan: JSON.stringify(run.plan),
        })
        .execute()
      await appendAuditIn(tx, audit)
    })
    return journal
  }

  /**
   * Continues an unfinished run under a lock this process just took over: steps that were `running` when the
   * old process died become `interrupted` (they will be redone), the run is `running` again under this
   * process, and `audit(steps)` is appended, all in one transaction.
   */
  static async resume(state: State, lock: TargetLock, audit: (steps: StepRecord[]) => AuditInput): Promise<Journal> {
    const steps = await Journal.closeDeadRun(state, lock, 'running', audit)
    return new Journal(state, lock, steps, true)
  }

  /**
   * Closes an unfinished run for good: its dead steps become `interrupted`, the run `abandoned` (a person gave
   * it up) or `superseded` (a resume found a release deployed since), audited.
   */
  static async abandon(
    state: State,
    lock: TargetLock,
    audit: (steps: StepRecord[]) => AuditInput,
    status: 'abandoned' | 'superseded' = 'abandoned',
  ): Promise<StepRecord[]> {
    return Journal.closeDeadRun(state, lock, status, audit)
  }

  private static async closeDeadRun(
    state: State,
    lock: TargetLock,
    status: 'running' | 'abandoned' | 'superseded',
    audit: (steps: StepRecord[]) => AuditInput,
  ): Promise<StepRecord[]> {
    const journal = new Journal(state, lock, [], true)
    let steps: StepRecord[] = []
    await journal.commit(async (tx) => {
      steps = await closeDeadRunIn(tx, lock.runId, status, audit)
    })
    return steps
  }

  /** Runs one step: journaled before it starts and after it ends; a thrown error marks it failed and rethrows. */
  async step<T>(app: string, name: StepName, component: string | null, fn: () => Promise<StepResult<T>>): Promise<T> {
    if (this.stop?.aborted) throw new RunInterrupted(this.stop)
    const record: StepRecord = {
      seq: ++this.seq,
      app,
      name,
      component,
      status: 'running',
      startedAt: isoNow(),
      endedAt: null,
      durationMs: null,
      detail: null,
      error: null,
    }
    const started = performance.now()
    await this.write(record, true)
    this.steps.push(record)
    try {
      const { value, status, detail } = await fn()
      Object.assign(record, { status: status ?? 'succeeded', detail: detail ?? null })
      return value
    } catch (err) {
      const cut = err instanceof RunInterrupted
      Object.assign(record, {
        status: cut ? 'interrupted' : 'failed',
        error: redact(messageOf(err)),
        detail: err instanceof StepFailed ? err.detail : null,
      })
      throw err
    } finally {
      Object.assign(record, { endedAt: isoNow(), durationMs: Math.round(performance.now() - started) })
      await this.write(record, false)
    }
  }

  /**
   * A step that takes effect once per run, however often the run is resumed: an earlier attempt that
   * succeeded (or was skipped) is not run again, its value rebuilt by `reuse`; one that failed fails again
   * without running (PriorStepFailed), so the run takes the same path it took then; one that was interrupted,
   * or none, runs now.
   */
  async once<T>(
    app: string,
    name: StepName,
    component: string | null,
    fn: () => Promise<StepResult<T>>,
    reuse: (done: StepRecord) => T | Promise<T>,
  ): Promise<T> {
    const earlier = this.steps.filter((s) => s.app === app && s.name === name && s.component === component)
    const done = earlier.find((s) => s.status === 'succeeded' || s.status === 'skipped')
    if (done) return reuse(done)
    const failed = earlier.find((s) => s.status === 'failed')
    if (failed) throw new PriorStepFailed(failed)
    return this.step(app, name, component, fn)
  }

  /**
   * The `rollback.app` event of an app, and `also` in the same transaction (what the outcome implies); on a
   * resumed run, only when an earlier attempt did not record them.
   */
  async recordApp(app: string, audit: AuditInput, also?: (tx: StateDb) => Promise<void>): Promise<void> {
    await this.commit(async (tx) => {
      if (this.resumed) {
        const earlier = await tx
          .selectFrom('audit_events')
          .select('seq')
          .where('action', '=', 'rollback.app')
          .where('target', '=', app)
          .where('details', 'like', `%"run":"${this.runId}"%`)
          .executeTakeFirst()
        if (earlier) return
      }
      await appendAuditIn(tx, audit)
      await also?.(tx)
    })
  }

  /**
   * Ends the run with its report and its event: `rollback.finish`; or, stopped by a signal, `rollback.interrupt`
   * (`interrupted` stays unfinished for --resume; `not-started` changed nothing and is closed).
   */
  async finish(status: 'succeeded' | 'failed' | 'interrupted' | 'not-started', report: unknown, audit: AuditInput): Promise<void> {
    await this.commit(async (tx) => {
      const ended = status === 'interrupted' ? null : isoNow()
      await tx
        .updateTable('rollback_runs')
        .set({ status, ended_at: ended, report: JSON.stringify(report) })
        .where('id', '=', this.runId)
        .execute()
      await appendAuditIn(tx, audit)
    })
  }

  private async write(r: StepRecord, insert: boolean): Promise<void> {
    const row = toStepRow(this.runId, r)
    await this.commit(async (tx) => {
      if (insert) await tx.insertInto('rollback_steps').values(row).execute()
      else await tx.updateTable('rollback_steps').set(row).where('run_id', '=', this.runId).where('seq', '=', r.seq).execute()
    })
  }

  /** The one write path: fenced, one transaction, then the durable boundary the fault hook may stop at. */
  private async commit(fn: (tx: StateDb) => Promise<void>): Promise<void> {
    await this.state.writeTransaction(async (tx) => {
      await this.lock.assertHeld(tx)
      await fn(tx)
    })
    durableWriteDone()
  }
}

/** A step failure that carries what was measured (a failed validation's rounds), kept in the journal. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly detail: Record<string, unknown>,
  ) {
    super(message)
  }
}

/** An earlier attempt of this step failed: the resumed run takes the failure path it took then. */
export class PriorStepFailed extends Error {
  override readonly name = 'PriorStepFailed'
  constructor(readonly record: StepRecord) {
    super(record.error ?? `${record.name} failed`)
  }
}

/** A stop signal reached the run: no further step starts, and a step it cut short is journaled `interrupted`. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted'
  constructor(readonly stop: AbortSignal) {
    super(`stopped by ${stopReason(stop)}`)
  }
}

/** What stopped the run, in words: the signal's name when a command passed it as the abort reason. */
export function stopReason(stop: AbortSignal): string {
  const r: unknown = stop.reason
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'a stop request'
}
