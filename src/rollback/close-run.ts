import type { AuditInput } from '../audit/audit-event.js'
import { appendAuditIn } from '../audit/audit-log.js'
import { isoNow } from '../core/clock.js'
import { HOST } from '../core/process-alive.js'
import type { StateDb } from '../state/open-state.js'
import { loadSteps, type StepRecord, toStepRow } from './step-record.js'

/** What a dead run becomes: taken over to go on (`running`), or closed. */
export type DeadRunFate = 'running' | 'abandoned' | 'superseded' | 'not-started'

/**
 * Inside the caller's write transaction: the step a dead run's process stopped in is marked `interrupted`,
 * the run takes its fate, and the audit event commits with it. The caller holds the run's apps' locks.
 */
export async function closeDeadRunIn(
  tx: StateDb,
  runId: string,
  fate: DeadRunFate,
  audit: (steps: StepRecord[]) => AuditInput,
): Promise<StepRecord[]> {
  const run = await tx.selectFrom('rollback_runs').select('status').where('id', '=', runId).executeTakeFirst()
  if (run?.status !== 'running' && run?.status !== 'interrupted')
    throw new Error(`bug: rollback ${runId} is ${run?.status ?? 'missing'}, not unfinished`)
  const steps = await loadSteps(tx, runId)
  const now = isoNow()
  const then = fate === 'running' ? 'the step is redone now' : `the run was ${fate === 'not-started' ? 'closed as not started' : fate}`
  for (const s of steps.filter((x) => x.status === 'running')) {
    Object.assign(s, {
      status: 'interrupted',
      endedAt: now,
      error: `its process stopped during this step (killed, crashed or cut off); ${then}`,
    })
    await tx.updateTable('rollback_steps').set(toStepRow(runId, s)).where('run_id', '=', runId).where('seq', '=', s.seq).execute()
  }
  await tx
    .updateTable('rollback_runs')
    .set(fate === 'running' ? { status: fate, ended_at: null, owner_host: HOST, owner_pid: process.pid } : { status: fate, ended_at: now })
    .where('id', '=', runId)
    .execute()
  await appendAuditIn(tx, audit(steps))
  return steps
}

/** Whether a run began changing anything: a restore or a revert started, in any attempt. */
export function changedAnything(steps: Pick<StepRecord, 'name'>[]): boolean {
  return steps.some((s) => s.name === 'restore' || s.name === 'revert')
}
