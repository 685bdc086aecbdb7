import type { StateDb } from '../state/open-state.js'
import type { RollbackStepTable } from '../state/schema.js'

export type StepName = 'verify' | 'safety-snapshot' | 'restore' | 'validate' | 'revert' | 'revert-validate'
/**
 * `interrupted`: the step was `running` when its process died; a resume marks it so and runs it again
 * (every step is safe to redo: verify and validation only read, restores are idempotent by contract, and a
 * safety snapshot that was in fact committed is adopted instead of taken twice).
 */
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted'

/** One row of the journal (rollback_steps): written when the step starts and again when it ends. */
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

export function toStepRow(runId: string, r: StepRecord): RollbackStepTable {
  return {
    run_id: runId,
    seq: r.seq,
    app: r.app,
    name: r.name,
    component: r.component,
    status: r.status,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    detail: r.detail ? JSON.stringify(r.detail) : null,
    error: r.error,
  }
}

export function fromStepRow(r: RollbackStepTable): StepRecord {
  // PostgreSQL may hand an integer column back as text; anything that is not a whole number is damage.
  const raw: unknown = r.seq
  const seq = typeof raw === 'number' || typeof raw === 'string' || typeof raw === 'bigint' ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(seq)) throw new Error(`rollback ${r.run_id}, step ?: the journal's step number is damaged (not a whole number)`)
  return {
    seq,
    app: r.app,
    name: r.name as StepName,
    component: r.component,
    status: r.status as StepStatus,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: r.ended_at ? Date.parse(r.ended_at) - Date.parse(r.started_at) : null,
    detail: r.detail ? stepDetail(r, seq) : null,
    error: r.error,
  }
}

/** A step's recorded detail, a JSON object; anything else is a damaged journal, said as such. */
function stepDetail(r: RollbackStepTable, seq: number): Record<string, unknown> {
  let detail: unknown
  try {
    detail = JSON.parse(r.detail!)
  } catch {
    detail = undefined
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new Error(`rollback ${r.run_id}, step ${seq}: the journal's detail of this step is damaged (not a JSON object)`)
  }
  return detail as Record<string, unknown>
}

/** The journal of one run, in order. */
export async function loadSteps(db: StateDb, runId: string): Promise<StepRecord[]> {
  const rows = await db.selectFrom('rollback_steps').selectAll().where('run_id', '=', runId).orderBy('seq', 'asc').execute()
  return rows.map(fromStepRow)
}

/** `restore release-b`, `validate`: a step as people name it. */
export function stepLabel(s: Pick<StepRecord, 'name' | 'component'>): string {
  return s.component ? `${s.name} ${s.component}` : s.name
}

/** Where a run that did not finish stopped: `at restore release-b` (that step was running), `after verify`, … */
export function describeStop(steps: StepRecord[]): string {
  const last = steps.at(-1)
  if (!last) return 'before its first step'
  return last.status === 'running' || last.status === 'interrupted'
    ? `at ${stepLabel(last)} (${last.app}, step ${last.seq})`
    : `after ${stepLabel(last)} (${last.app}, step ${last.seq}, ${last.status})`
}
