import type { Change } from '../providers/provider.js'
import type { RollbackPlan } from './plan-rollback.js'
import type { ResumePlan } from './plan-resume.js'
import type { StepRecord } from './step-record.js'

/** One app of a plan as --json prints it and the API answers: every change, not only the first files. */
export interface PlanDocument {
  app: string
  priority: number
  target: string
  targetKind: string
  targetCreatedAt: string
  targetLabel: string | null
  components: { name: string; provider: string; from: string; now: string; to: string; changes: Change[] }[]
}

export function planDocument(plan: RollbackPlan): PlanDocument[] {
  return plan.apps.map((a) => ({
    app: a.app.name,
    priority: a.app.priority,
    target: a.target.id,
    targetKind: a.target.kind,
    targetCreatedAt: a.target.createdAt,
    targetLabel: a.target.label,
    components: a.components.map((c) => ({
      name: c.component.name,
      provider: c.component.provider,
      from: c.from,
      now: c.current.version,
      to: c.manifest.version,
      changes: c.changes,
    })),
  }))
}

/** A run that did not finish, as a person reads it before resuming it: where it stopped and its journal so far. */
export interface ResumeDocument {
  run: string
  startedAt: string
  actor: string
  reason: string
  stoppedAt: string
  steps: StepRecord[]
}

export function resumeDocument(r: ResumePlan): ResumeDocument {
  return { run: r.run.id, startedAt: r.run.started_at, actor: r.run.actor, reason: r.run.reason, stoppedAt: r.stoppedAt, steps: r.steps }
}
