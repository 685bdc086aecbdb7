import type { AuditOutcome } from '../audit/audit-event.js'
import type { Platform } from '../platform/platform.js'
import type { RollbackRunTable } from '../state/schema.js'
import { Journal } from './journal.js'
import type { Actor } from './rollback-app.js'
import { describeStop } from './step-record.js'
import { acquireTargetLock } from './target-lock.js'
import { requireUnfinished } from './unfinished-run.js'

export interface AbandonResult {
  run: string
  apps: string[]
  stoppedAt: string
}

/**
 * A person gives an unfinished run up instead of resuming it (its target is gone, or they repaired the app by
 * hand): its stale lock is taken over (audited), the step it died in is marked `interrupted`, the run becomes
 * `abandoned` with a `rollback.abandon` event, and its apps can be rolled back afresh. Nothing is restored:
 * the components stay as the dead run left them, which `lastgood status` shows.
 */
export async function abandonRun(p: Platform, runId: string, opts: Actor): Promise<AbandonResult> {
  const run = await requireUnfinished(p.state.db, runId, 'abandon')
  return closeUnfinishedRun(p, run, opts, { purpose: 'abandon', status: 'abandoned', action: 'rollback.abandon', outcome: 'success' })
}

export interface CloseAs {
  /** What the run is checked for again under its lock. */
  purpose: 'resume' | 'abandon'
  status: 'abandoned' | 'superseded'
  action: string
  outcome: AuditOutcome
  details?: Record<string, unknown>
}

/**
 * Closes a dead run without restoring anything: its stale lock is taken over (audited), the step it died in is
 * marked `interrupted`, and the run takes `status` with one audit event saying who ran it and where it stopped.
 */
export async function closeUnfinishedRun(p: Platform, run: RollbackRunTable, opts: Actor, as: CloseAs): Promise<AbandonResult> {
  const apps = JSON.parse(run.apps) as string[]
  const lock = await acquireTargetLock(
    p.state,
    apps.map((n) => `app:${n}`),
    run.id,
    opts.actor,
    { guard: async (tx) => void (await requireUnfinished(tx, run.id, as.purpose)) },
  )
  try {
    let stoppedAt = ''
    await Journal.abandon(
      p.state,
      lock,
      (steps) => {
        stoppedAt = describeStop(steps)
        return {
          actor: opts.actor,
          action: as.action,
          target: apps.join(','),
          reason: opts.reason,
          outcome: as.outcome,
          details: {
            run: run.id,
            stoppedAt,
            ...as.details,
            previousOwner: { host: run.owner_host, pid: run.owner_pid },
            startedBy: run.actor,
            startedAt: run.started_at,
          },
        }
      },
      as.status,
    )
    return { run: run.id, apps, stoppedAt }
  } finally {
    await lock.release()
  }
}
