import { redact } from '../core/redact.js'
import { StorageError, storageFault } from '../core/storage-fault.js'
import type { Platform } from '../platform/platform.js'
import type { Journal } from './journal.js'
import type { RollbackPlan } from './plan-rollback.js'
import { type Actor, notStarted } from './rollback-app.js'
import type { RollbackReport } from './rollback-report.js'
import { describeStop } from './step-record.js'
import { resumeCommand } from './unfinished-run.js'
import { messageOf } from '../core/errors.js'

/** Steps that change what runs: once one has begun, only the journal knows what took effect. */
const CHANGING = new Set(['restore', 'revert'])

/**
 * What a run stopped by a full disk or an I/O error (a journal write, an audit append, the repository) leaves,
 * as the error to throw. Before any restore began, nothing changed: the run is recorded as failed, on the
 * space the state keeps in reserve, so it needs neither --resume nor --abandon and can simply be run again.
 * Once a restore began, the journal is the truth of what took effect: the run stays for --resume. Any other
 * error is returned as it is.
 */
export async function stoppedByStorage(
  p: Platform,
  journal: Journal,
  plan: RollbackPlan,
  opts: Actor & { startedAt: string; started: number },
  err: unknown,
): Promise<unknown> {
  const fault = storageFault(err)
  if (!fault) return err
  const what = `${fault === 'full' ? 'the disk is full' : 'the disk failed to read or write (I/O error)'} (${redact(messageOf(err))})`
  const fix = fault === 'full' ? 'free space on the disk of the state directory and repository' : 'check the disk'
  // The reserve lets what follows still write: this record, the lock's release, the command's close.
  p.state.releaseReserve?.()
  if (journal.steps.some((s) => CHANGING.has(s.name))) {
    return new StorageError(
      fault,
      `${what}: rollback ${journal.runId} stopped ${describeStop(journal.steps)} after it began restoring; ${fix}, then finish it with \`${resumeCommand(journal.runId)}\``,
      { cause: err },
    )
  }
  const error = `stopped before it changed anything: ${what}`
  const report: RollbackReport = {
    run: journal.runId,
    status: 'failed',
    reason: opts.reason,
    actor: opts.actor,
    startedAt: opts.startedAt,
    endedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - opts.started),
    apps: plan.apps.map((a) => ({ ...notStarted(a), error })),
    steps: journal.steps,
  }
  try {
    await journal.finish('failed', report, {
      actor: opts.actor,
      action: 'rollback.finish',
      target: plan.apps.map((a) => a.app.name).join(','),
      reason: opts.reason,
      outcome: 'failure',
      details: {
        run: journal.runId,
        durationMs: report.durationMs,
        outcomes: Object.fromEntries(plan.apps.map((a) => [a.app.name, 'not-started'])),
        error,
      },
    })
  } catch {
    return new StorageError(
      fault,
      `${what}: rollback ${journal.runId} stopped before it changed anything, and could not be recorded as failed; ${fix}, then give it up with \`lastgood rollback --abandon ${journal.runId} --reason "<why>"\``,
      { cause: err },
    )
  }
  return new StorageError(
    fault,
    `${what}: rollback ${journal.runId} stopped before it changed anything and is recorded as failed; ${fix}, then roll back again`,
    { cause: err },
  )
}
