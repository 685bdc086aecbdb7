import type { Platform } from '../platform/platform.js'
import { Journal } from './journal.js'
import type { ResumePlan, Superseded } from './plan-resume.js'
import type { Actor } from './rollback-app.js'
import { describeStop } from './step-record.js'
import { acquireTargetLock } from './target-lock.js'
import { requireUnfinished } from './unfinished-run.js'

export interface SupersedeResult {
  run: string
  apps: string[]
  stoppedAt: string
  superseded: Superseded[]
  /** One line for people: what runs now, and why nothing was restored. */
  message: string
}

/**
 * A resume found a release deployed since the run stopped (planResume's `superseded`): finishing the run would
 * revert it, so nothing is restored. The run's stale lock is taken over (audited), its dead step marked
 * `interrupted`, and the run closed as `superseded` with a `rollback.superseded` event. What runs now is a new
 * deploy: whether it is bad is for the triggers (or a person) to judge afresh.
 */
export async function supersedeRun(p: Platform, resume: ResumePlan, opts: Actor): Promise<SupersedeResult> {
  const { run, superseded } = resume
  const apps = JSON.parse(run.apps) as string[]
  const message = `rollback ${run.id} superseded: ${describeSuperseded(superseded)}; someone deployed since it stopped, so nothing was restored`
  const lock = await acquireTargetLock(p.state, apps.map((n) => `app:${n}`), run.id, opts.actor, { guard: async (tx) => void (await requireUnfinished(tx, run.id, 'resume')) })
  try {
    let stoppedAt = ''
    await Journal.abandon(p.state, lock, (steps) => {
      stoppedAt = describeStop(steps)
      return {
        actor: opts.actor, action: 'rollback.superseded', target: apps.join(','), reason: opts.reason, outcome: 'refused',
        details: { run: run.id, stoppedAt, superseded, previousOwner: { host: run.owner_host, pid: run.owner_pid }, startedBy: run.actor, startedAt: run.started_at },
      }
    }, 'superseded')
    return { run: run.id, apps, stoppedAt, superseded, message }
  } finally {
    await lock.release()
  }
}

/** `staff/release runs v3, which is neither the run's before (v2) nor its target (v1)` */
export function describeSuperseded(list: Superseded[]): string {
  return list.map((s) => `${s.app}/${s.component} runs ${s.live}, which is neither the run's before (${s.before}) nor its target (${s.target})`).join('; ')
}
