import { auditAs } from '../auth/audit-as.js'
import type { Identity } from '../auth/identity.js'
import { messageOf, RefusedError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { recordRunOnIncidents } from '../recovery/record-run.js'
import { scenarioOf } from '../decisions/scenario.js'
import { decidePlan } from '../rollback/plan-decision.js'
import type { RollbackPlan } from '../rollback/plan-rollback.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import { runRollback } from '../rollback/run-rollback.js'
import type { Approval, RollbackAsk } from './approval.js'
import { type ApprovalClock, isoAt, nowMs } from './approval-clock.js'
import { moveApproval, requireApproval } from './approval-store.js'
import { askSource, planAsk } from './plan-ask.js'
import { planForm, planHash } from './plan-hash.js'
import { refusable, refuseIn } from './refusal.js'

/**
 * Runs an approved request's plan, once. Taking it (approved → executed) is a conditional update in a write
 * transaction, so of two approvers or processes racing, one runs it and the other is refused (audited). The plan
 * is then computed again: if its hash differs from the approved one (a deploy in between, another rollback, a
 * new known-good snapshot) or it cannot be planned any more, nothing runs, the request becomes stale
 * (`approval.stale`) and the refusal (exit 3) says how to ask again. Otherwise exactly that plan runs, as the
 * requester's rollback with the approval recorded on its start; `approval.executed` records how it ended.
 */
export async function executeApproval(
  p: Platform,
  by: Identity,
  id: string,
  opts: { clock?: ApprovalClock; stop?: AbortSignal } = {},
): Promise<RollbackReport> {
  const a = await refusable(p.state, async (tx) => {
    const current = await requireApproval(tx, id)
    if (await moveApproval(tx, id, 'approved', { status: 'executed', executed_at: isoAt(nowMs(opts.clock)) })) return current
    const second = current.status === 'executed'
    return refuseIn(tx, by, {
      family: 'approval',
      target: id,
      why: second ? 'second-execution' : current.status,
      message: second
        ? `approval ${id} was already executed${current.run ? ` (run ${current.run})` : ''}: an approved plan runs once`
        : `approval ${id} is ${current.status}, not approved: nothing to run`,
      details: { approval: id },
    })
  })
  let plan: RollbackPlan
  try {
    plan = await planAsk(p, a.ask, opts.stop ?? new AbortController().signal)
  } catch (err) {
    return stale(p, by, a, { why: messageOf(err) })
  }
  const hash = planHash(planForm(plan))
  if (hash !== a.planHash) return stale(p, by, a, { why: 'the plan differs from the one approved', planHash: hash })
  const decision = decidePlan(p.config, plan, askSource(a.ask))
  const approvedBy = a.decisions.filter((d) => d.verdict === 'approve').map((d) => d.actor)
  let report: RollbackReport
  try {
    report = await runRollback(p, plan, {
      actor: a.requester,
      reason: a.reason,
      decision,
      authority: { approval: { id, approvedBy, decisionMs: a.decisionMs, targetMs: a.decision.targetMs } },
      ...(opts.stop ? { stop: opts.stop } : {}),
    })
  } catch (err) {
    await p.state.writeTransaction(async (tx) => {
      await tx.updateTable('approvals').set({ outcome: 'error' }).where('id', '=', id).execute()
      await auditAs(tx, by, executed(a, 'failure', { error: messageOf(err) }))
    })
    throw err
  }
  await recordRunOnIncidents(p, report)
  await p.state.writeTransaction(async (tx) => {
    await tx.updateTable('approvals').set({ run_id: report.run, outcome: report.status }).where('id', '=', id).execute()
    await auditAs(tx, by, executed(a, report.status === 'succeeded' ? 'success' : 'failure', { run: report.run, status: report.status }))
  })
  return report
}

function executed(a: Approval, outcome: 'success' | 'failure', details: Record<string, unknown>) {
  return { action: 'approval.executed', target: a.apps.join(','), reason: a.reason, outcome, details: { approval: a.id, ...details } }
}

async function stale(p: Platform, by: Identity, a: Approval, details: { why: string; planHash?: string }): Promise<never> {
  await p.state.writeTransaction(async (tx) => {
    await moveApproval(tx, a.id, 'executed', { status: 'stale' })
    await auditAs(tx, by, {
      action: 'approval.stale',
      target: a.apps.join(','),
      reason: a.reason,
      outcome: 'refused',
      details: { approval: a.id, approvedHash: a.planHash, ...details },
    })
  })
  throw new RefusedError(
    `approval ${a.id} is stale: ${details.why} (a deploy or another rollback since the request?); nothing was run. ` +
      `Ask again for what is right now: ${askAgain(a.ask, a.reason)}`,
  )
}

/**
 * The command that asks for the same rollback afresh. A runbook's request is asked again as a person's rollback
 * of the same apps under the incident's scenario (of one app: to the same snapshot and components).
 */
export function askAgain(ask: RollbackAsk, reason: string): string {
  const only = ask.restore?.length === 1 ? ask.restore[0] : undefined
  const to = ask.to ?? only?.to
  const components = ask.components ?? only?.components
  const scenario = ask.scenario ?? (ask.incident ? scenarioOf(askSource(ask)) : undefined)
  const parts = ['lastgood rollback', ...ask.apps]
  if (to) parts.push('--to', to)
  if (components?.length) parts.push('--component', ...components)
  if (scenario) parts.push('--scenario', scenario)
  parts.push('--reason', JSON.stringify(reason))
  return parts.join(' ')
}
