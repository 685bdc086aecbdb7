import { auditAs } from '../auth/audit-as.js'
import type { Identity } from '../auth/identity.js'
import { formatDuration } from '../config-parts/units.js'
import type { ResolvedConfig } from '../config/types.js'
import { timeId } from '../core/clock.js'
import type { Decision } from '../decisions/decide.js'
import { enqueueNotifications } from '../notify/enqueue.js'
import type { Platform } from '../platform/platform.js'
import type { RollbackPlan } from '../rollback/plan-rollback.js'
import type { StateDb } from '../state/open-state.js'
import type { Approval, RollbackAsk } from './approval.js'
import { type ApprovalClock, isoAt, nowMs } from './approval-clock.js'
import { requireApproval } from './approval-store.js'
import { holdersOf } from './audiences.js'
import { describePlan, planForm, planHash } from './plan-hash.js'

export interface ApprovalAsk {
  plan: RollbackPlan
  decision: Decision
  ask: RollbackAsk
  reason: string
}

/**
 * Makes the action an approval request bound to its plan (approvals/plan-hash.ts), and tells the roles that may
 * approve it (their channels, through the outbox) with the plan, the target time and the command to approve.
 * One transaction: the request, its messages and `approval.requested` commit together.
 */
export async function requestApproval(p: Platform, identity: Identity, a: ApprovalAsk, clock?: ApprovalClock): Promise<Approval> {
  const now = nowMs(clock)
  const id = timeId('ap', new Date(now))
  const form = planForm(a.plan)
  const asked = holdersOf(p.config, a.decision.approval.permission)
  const apps = form.apps.map((x) => x.app)
  const row = {
    id,
    requester: identity.subject,
    scenario: a.decision.scenario,
    apps: JSON.stringify(apps),
    plan_hash: planHash(form),
    plan: JSON.stringify(form),
    request: JSON.stringify(a.ask),
    decision: JSON.stringify(a.decision),
    reason: a.reason,
    created_at: isoAt(now),
    target_at: isoAt(now + a.decision.targetMs),
    expires_at: isoAt(now + p.config.approvals.expireAfterMs),
    required_approvers: a.decision.approval.approvers,
    asked: JSON.stringify(asked),
    status: 'pending',
    decided_at: null,
    escalated_at: null,
    executed_at: null,
    run_id: null,
    outcome: null,
  }
  await p.state.writeTransaction(async (tx) => {
    await tx.insertInto('approvals').values(row).execute()
    await tellApprovers(tx, p.config, 'approval_requested', await requireApproval(tx, id))
    await auditAs(tx, identity, {
      action: 'approval.requested',
      target: apps.join(','),
      reason: a.reason,
      outcome: 'success',
      details: {
        approval: id,
        scenario: row.scenario,
        planHash: row.plan_hash,
        targetAt: row.target_at,
        expiresAt: row.expires_at,
        approvers: row.required_approvers,
        asked,
      },
    })
  })
  return requireApproval(p.state.db, id)
}

/** Queues the request's message (asked, or escalated at its target time) to the channels of the roles asked. */
export async function tellApprovers(
  tx: StateDb,
  config: ResolvedConfig,
  kind: 'approval_requested' | 'approval_escalated',
  a: Approval,
): Promise<void> {
  if (a.asked.channels.length === 0) return
  const who = `${a.requiredApprovers === 2 ? 'two different people' : 'one person'} holding ${a.decision.approval.permission} (${a.asked.roles.join(', ') || 'no role holds it'}), not ${a.requester}`
  await enqueueNotifications(tx, config, {
    kind,
    channels: a.asked.channels,
    severity: a.decision.rollback === 'emergency' ? 'critical' : 'high',
    vars: {
      approval: a.id,
      type: a.scenario,
      actor: a.requester,
      reason: a.reason,
      issue: a.reason,
      scope: a.apps.join(', '),
      plan: describePlan(a.plan),
      approvers: who,
      target_time: `${a.targetAt} (${formatDuration(a.decision.targetMs)} after the request)`,
      expires: a.expiresAt,
      command: `lastgood approve ${a.id} --reason "<why>" (or lastgood reject ${a.id} --reason "<why>")`,
    },
  })
}
