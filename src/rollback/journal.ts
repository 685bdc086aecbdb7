import { isoNow } from '../core/clock.js'
import { HOST } from '../core/process-alive.js'
import { redact } from '../core/redact.js'
import type { State } from '../state/open-state.js'
import type { TargetLock } from './target-lock.js'

export type StepName = 'verify' | 'safety-snapshot' | 'restore' | 'validate' | 'revert' | 'revert-validate'
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped'

export interface StepRecord {
  seq: number
  app: string
  name: StepName
  component: string | null
  status: StepStatus
  startedAt: string
  endedAt: string | null
  durationMs: number | null
  detail: Record<string, unknown> | null
  error: string | null
}

/**
 * The durable record of one rollback run: each step is written when it starts and again when it ends, so
 * a run that was killed shows exactly the step it stopped in. Every write first checks that this run still
 * holds its lock (fencing): a paused run whose lock was taken over cannot record, and so cannot act.
 */
export class Journal {
  private seq = 0
  readonly steps: StepRecord[] = []

  constructor(
    private readonly state: State,
    readonly runId: string,
    private readonly lock: TargetLock,
  ) {}

  static async begin(state: State, lock: TargetLock, run: { apps: string[]; reason: string; actor: string }): Promise<Journal> {
    const journal = new Journal(state, lock.runId, lock)
    await state.writeTransaction(async (tx) => {
      await lock.assertHeld(tx)
      await tx.insertInto('rollback_runs').values({
        id: lock.runId, apps: JSON.stringify(run.apps), status: 'running', reason: run.reason, actor: run.actor,
        started_at: isoNow(), ended_at: null, owner_host: HOST, owner_pid: process.pid, report: null,
      }).execute()
    })
    return journal
  }

  /** Runs one step: journaled before it starts and after it ends; a thrown error marks it failed and rethrows. */
  async step<T>(app: string, name: StepName, component: string | null, fn: () => Promise<{ value: T; status?: StepStatus; detail?: Record<string, unknown> }>): Promise<T> {
    const record: StepRecord = {
      seq: ++this.seq, app, name, component, status: 'running', startedAt: isoNow(), endedAt: null, durationMs: null, detail: null, error: null,
    }
    const started = performance.now()
    await this.write(record, true)
    this.steps.push(record)
    try {
      const { value, status, detail } = await fn()
      Object.assign(record, { status: status ?? 'succeeded', detail: detail ?? null })
      return value
    } catch (err) {
      Object.assign(record, { status: 'failed', error: redact((err as Error).message) })
      throw err
    } finally {
      Object.assign(record, { endedAt: isoNow(), durationMs: Math.round(performance.now() - started) })
      await this.write(record, false)
    }
  }

  async finish(status: 'succeeded' | 'failed', report: unknown): Promise<void> {
    await this.state.writeTransaction(async (tx) => {
      await this.lock.assertHeld(tx)
      await tx.updateTable('rollback_runs').set({ status, ended_at: isoNow(), report: JSON.stringify(report) }).where('id', '=', this.runId).execute()
    })
  }

  private async write(r: StepRecord, insert: boolean): Promise<void> {
    const row = {
      run_id: this.runId, seq: r.seq, app: r.app, name: r.name, component: r.component, status: r.status,
      started_at: r.startedAt, ended_at: r.endedAt, detail: r.detail ? JSON.stringify(r.detail) : null, error: r.error,
    }
    await this.state.writeTransaction(async (tx) => {
      await this.lock.assertHeld(tx)
      if (insert) await tx.insertInto('rollback_steps').values(row).execute()
      else await tx.updateTable('rollback_steps').set(row).where('run_id', '=', this.runId).where('seq', '=', r.seq).execute()
    })
  }
}
