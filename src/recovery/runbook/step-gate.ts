import { requestedData, type RollbackAsk } from '../../approvals/approval.js'
import { requestOrProceed, reviewFlaggedRun } from '../../approvals/gate.js'
import { askSource } from '../../approvals/plan-ask.js'
import type { Review } from '../../approvals/reviews.js'
import { formatDuration } from '../../config-parts/units.js'
import type { Decision } from '../../decisions/decide.js'
import { decidePlan } from '../../rollback/plan-decision.js'
import type { RollbackPlan } from '../../rollback/plan-rollback.js'
import type { RollbackReport } from '../../rollback/rollback-report.js'
import { runReason, type StepContext, type StepOutcome, writeIncident } from './step-context.js'

/** Per app, what a runbook's rollback restores: how its approval request records the plan to plan it again. */
export type RestoreAsk = NonNullable<RollbackAsk['restore']>

/** How a runbook's rollback may go: run now (its run records the decision and what allowed it), or wait. */
export type StepGate = { kind: 'run'; decision: Decision; authority: Record<string, unknown> } | { kind: 'waiting'; outcome: StepOutcome }

/**
 * The decision matrix between a runbook and the rollback it planned: the incident's type gives the scenario
 * (a data component makes it data_corruption), and the gate a person's rollback passes (approvals/gate.ts)
 * decides. Where the row wants an approval and no open grant of the declarer's covers the apps, the plan
 * becomes one request bound to it, asked by whoever runs the runbook, and the timeline says that recovery
 * waits for it. The step does not fail: nobody has refused anything yet, and the request's own escalation at
 * its target time raises the incident if nobody decides. Approved, the plan runs from `lastgood approve`
 * (approvals/execute-approval.ts), which records the run on the incident (recovery/record-run.ts).
 */
export async function gateRollback(ctx: StepContext, plan: RollbackPlan, restore: RestoreAsk, why: string): Promise<StepGate> {
  const ask: RollbackAsk = {
    apps: plan.apps.map((a) => a.app.name),
    restore,
    incident: { id: ctx.incident.id, type: ctx.incident.type },
  }
  const decision = decidePlan(ctx.p.config, plan, askSource(ask))
  const gate = await requestOrProceed(ctx.p, ctx.identity, { plan, decision, ask, reason: runReason(ctx, why) })
  if (gate.kind === 'proceed') return { kind: 'run', decision, authority: gate.authority }
  const a = gate.approval
  const who = a.asked.roles.join(', ') || `nobody (no role holds ${decision.approval.permission})`
  const data = requestedData(a)
  const detail = `waiting for approval ${a.id}: the decision matrix wants ${who} to approve this ${a.scenario} rollback by ${a.targetAt} (target ${formatDuration(decision.targetMs)}); ${data.command}`
  await writeIncident(ctx, (w) =>
    w.record({
      kind: 'approval.requested',
      outcome: 'refused',
      message: `recovery waits for approval ${a.id} of ${a.apps.join(', ')} by ${who}, target ${a.targetAt}; ${data.command}`,
      data,
    }),
  )
  return { kind: 'waiting', outcome: { ok: false, detail, data, waiting: a } }
}

/**
 * After a run of the matrix's flagged row (emergency): it ran without an approval, so it is reviewed like
 * break-glass (approvals/gate.ts reviewFlaggedRun); the review goes on the timeline too.
 */
export async function reviewIfFlagged(ctx: StepContext, decision: Decision, report: RollbackReport): Promise<Review | undefined> {
  const review = await reviewFlaggedRun(ctx.p, ctx.identity, decision, report)
  if (!review) return undefined
  await writeIncident(ctx, (w) =>
    w.record({
      kind: 'review.opened',
      message: `rollback ${report.run} ran without approval under the flagged ${decision.scenario} row: review ${review.id} opened; another holder of "review" closes it with \`lastgood review close ${review.id} --note "..."\``,
      data: { review: review.id, kind: review.kind, run: report.run, scenario: decision.scenario },
    }),
  )
  return review
}
