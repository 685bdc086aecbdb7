import { userInfo } from 'node:os'
import { approveCommand, requestedData } from '../approvals/approval.js'
import { listApprovals } from '../approvals/approval-store.js'
import { reviewFlaggedRun } from '../approvals/gate.js'
import { planForm, planHash } from '../approvals/plan-hash.js'
import { requestApproval } from '../approvals/request-approval.js'
import { type Identity, localIdentity } from '../auth/identity.js'
import type { Decision } from '../decisions/decide.js'
import type { Platform } from '../platform/platform.js'
import type { RollbackPlan } from '../rollback/plan-rollback.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import type { EventBus } from './events.js'
import type { Firing } from './decide.js'

/**
 * The decision matrix between a trigger that fired and the rollback it asks for: the monitor acts through the
 * same rows a person does (approvals/gate.ts), with the trigger's scenario. Where a row wants an approval the
 * monitor asks for one instead of rolling back; a flagged row runs and is reviewed afterwards.
 */

/** lastgood acting on its own: the monitor's actor, on this host as the OS user that runs it. No person is it. */
export function monitorIdentity(actor: string): Identity {
  return localIdentity(actor, userInfo().username)
}

/**
 * Makes the firing an approval request bound to `plan` (requestApproval: the approving roles' channels are told,
 * `approval.requested` audited), said on the monitor's event stream. A request still open (pending or approved,
 * not expired) for exactly this plan already asks the question, whoever made it (the monitor before a restart,
 * a person): none is made again, so a trigger that fires anew while people decide asks nobody twice. A plan that
 * changed since (a deploy) is a new question: its old request would only go stale when approved.
 */
export async function askInstead(
  p: Platform,
  bus: EventBus,
  identity: Identity,
  f: Firing,
  plan: RollbackPlan,
  decision: Decision,
): Promise<void> {
  const hash = planHash(planForm(plan))
  const now = Date.now()
  const open = (await listApprovals(p.state.db)).find(
    (a) => a.planHash === hash && (a.status === 'approved' || (a.status === 'pending' && Date.parse(a.expiresAt) > now)),
  )
  const base = { app: f.app.name, trigger: f.trigger.name }
  if (open) {
    await bus.emit({
      ...base,
      type: 'approval.waiting',
      outcome: 'refused',
      message: `not rolling back ${f.app.name}: approval ${open.id} for this plan is ${open.status} (asked by ${open.requester}); ${approveWith(open.id)}`,
      data: { approval: open.id, status: open.status, scenario: open.scenario, planHash: hash },
    })
    return
  }
  const a = await requestApproval(p, identity, {
    plan,
    decision,
    ask: { apps: [f.app.name], scenario: decision.scenario },
    reason: `trigger ${f.trigger.name} of ${f.app.name} fired: ${f.detail}`,
  })
  const who = a.asked.roles.join(', ') || `no role holds ${decision.approval.permission}`
  await bus.emit({
    ...base,
    type: 'approval.requested',
    outcome: 'refused',
    message: `not rolling back ${f.app.name} on its own: scenario ${a.scenario} needs an approval by ${who} (target ${a.targetAt}); approval ${a.id} requested; ${approveWith(a.id)}`,
    data: requestedData(a),
  })
}

/**
 * The decision recorded on a batch's run: a flagged one if any app's is (the run is then reviewed), else the
 * first app's; every decision of a batch that runs needs no approval.
 */
export function batchDecision(decisions: readonly Decision[]): Decision {
  return decisions.find((d) => d.flagged) ?? decisions[0]!
}

/** After a run of a flagged row: the review it opens (as for a person's run), on the event stream too. */
export async function reviewIfFlagged(
  p: Platform,
  bus: EventBus,
  identity: Identity,
  decision: Decision,
  report: RollbackReport,
): Promise<void> {
  const review = await reviewFlaggedRun(p, identity, decision, report)
  if (!review) return
  await bus.emit({
    type: 'review.opened',
    app: review.apps.join(','),
    message: `rollback ${report.run} ran without approval under the flagged ${decision.scenario} row: review ${review.id} opened; another holder of "review" closes it with \`lastgood review close ${review.id} --note "..."\``,
    data: { review: review.id, kind: review.kind, run: report.run, scenario: decision.scenario },
  })
}

const approveWith = (id: string) => `approve with \`${approveCommand(id)}\``
