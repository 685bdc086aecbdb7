import type { Platform } from '../platform/platform.js'
import { closeUnfinishedRun } from './abandon-run.js'
import type { ResumePlan, Superseded } from './plan-resume.js'
import type { Actor } from './rollback-app.js'

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
  const message = `rollback ${run.id} superseded: ${describeSuperseded(superseded)}; someone deployed since it stopped, so nothing was restored`
  const closed = await closeUnfinishedRun(p, run, opts, {
    purpose: 'resume',
    status: 'superseded',
    action: 'rollback.superseded',
    outcome: 'refused',
    details: { superseded },
  })
  return { ...closed, superseded, message }
}

/** `staff/release runs v3, which is neither the run's before (v2) nor its target (v1)` */
export function describeSuperseded(list: Superseded[]): string {
  return list
    .map((s) => `${s.app}/${s.component} runs ${s.live}, which is neither the run's before (${s.before}) nor its target (${s.target})`)
    .join('; ')
}
