import type { Platform } from '../platform/platform.js'
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
  const apps = JSON.parse(run.apps) as string[]
  const lock = await acquireTargetLock(p.state, apps.map((n) => `app:${n}`), runId, opts.actor, { guard: async (tx) => void (await requireUnfinished(tx, runId, 'abandon')) })
  try {
    let stoppedAt = ''
    await Journal.abandon(p.state, lock, (steps) => {
      stoppedAt = describeStop(steps)
      return {
        actor: opts.actor, action: 'rollback.abandon', target: apps.join(','), reason: opts.reason, outcome: 'success',
        details: { run: runId, stoppedAt, previousOwner: { host: run.owner_host, pid: run.owner_pid }, startedBy: run.actor, startedAt: run.started_at },
      }
    })
    return { run: runId, apps, stoppedAt }
  } finally {
    await lock.release()
  }
}
