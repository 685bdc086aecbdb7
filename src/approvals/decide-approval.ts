import { appendAuditIn } from '../audit/audit-log.js'
import { auditAs } from '../auth/audit-as.js'
import { can } from '../auth/can.js'
import type { Identity } from '../auth/identity.js'
import type { Platform } from '../platform/platform.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import type { StateDb } from '../state/open-state.js'
import type { Approval } from './approval.js'
import { type ApprovalClock, isoAt, nowMs } from './approval-clock.js'
import { moveApproval, requireApproval } from './approval-store.js'
import { executeApproval } from './execute-approval.js'
import { refusable, refuseIn } from './refusal.js'

export type Verdict = 'approve' | 'reject'

export interface DecideOptions {
  clock?: ApprovalClock
  /** Ends the rollback an approval starts at its next step boundary. */
  stop?: AbortSignal
}

/**
 * One person's decision on a request (RELIABILITY case 13). Refused, audited, and nothing else changed: a
 * request that is no longer pending (expired, rejected, approved, executed, stale), the requester's own, a
 * person without approve:<scenario>, the same person twice (the two-person rule wants two different people).
 * A rejection ends the request. The approval that completes it (one, or two under `approvals: 2`) runs the plan
 * at once, exactly as it was approved (executeApproval); its report comes back.
 */
export async function decideApproval(
  p: Platform,
  identity: Identity,
  id: string,
  verdict: Verdict,
  reason: string,
  opts: DecideOptions = {},
): Promise<{ approval: Approval; report?: RollbackReport }> {
  const { approval, completed } = await refusable(p.state, async (tx) => {
    const now = nowMs(opts.clock)
    let a = await requireApproval(tx, id)
    if (a.status === 'pending' && Date.parse(a.expiresAt) <= now) a = await expireIn(tx, a, now, 'lastgood')
    const refuse = (why: string, message: string) =>
      refuseIn(tx, identity, { family: 'approval', target: id, why, message, reason, details: { approval: id, verdict } })
    const permission = a.decision.approval.permission
    if (a.status !== 'pending') return refuse(a.status, `approval ${id} is ${describeStatus(a)}: it can no longer be ${verdict}d`)
    if (identity.subject === a.requester)
      return refuse(
        'self-approval',
        `${identity.subject} asked for approval ${id} and cannot ${verdict} it: a different person holding ${permission} must`,
      )
    if (!can(identity, permission, p.config))
      return refuse('permission', `${identity.subject} lacks the permission "${permission}" that approval ${id} needs`)
    if (a.decisions.some((d) => d.actor === identity.subject))
      return refuse(
        'already-decided',
        `${identity.subject} already approved ${id}; the two-person rule needs a second, different person holding ${permission}`,
      )
    const at = isoAt(now)
    await tx.insertInto('approval_decisions').values({ approval_id: id, actor: identity.subject, verdict, reason, at }).execute()
    const approvals = a.decisions.filter((d) => d.verdict === 'approve').length + (verdict === 'approve' ? 1 : 0)
    const completes = verdict === 'reject' || approvals >= a.requiredApprovers
    if (completes) await moveApproval(tx, id, 'pending', { status: verdict === 'reject' ? 'rejected' : 'approved', decided_at: at })
    await auditAs(tx, identity, {
      action: verdict === 'reject' ? 'approval.rejected' : 'approval.approved',
      target: a.apps.join(','),
      reason,
      outcome: 'success',
      details: {
        approval: id,
        scenario: a.scenario,
        approvals,
        required: a.requiredApprovers,
        ...(completes ? { decisionMs: now - Date.parse(a.createdAt), targetMs: a.decision.targetMs } : {}),
      },
    })
    return { approval: await requireApproval(tx, id), completed: completes && verdict === 'approve' }
  })
  if (!completed) return { approval }
  const report = await executeApproval(p, identity, id, opts)
  return { approval: await requireApproval(p.state.db, id), report }
}

/** Marks a pending request whose time ran out expired, audited (`approval.expired`), in the caller's transaction. */
export async function expireIn(tx: StateDb, a: Approval, now: number, actor: string): Promise<Approval> {
  if (!(await moveApproval(tx, a.id, 'pending', { status: 'expired' }))) return requireApproval(tx, a.id)
  await appendAuditIn(tx, {
    actor,
    action: 'approval.expired',
    target: a.apps.join(','),
    reason: `undecided at ${a.expiresAt} (approvals.expire_after)`,
    outcome: 'failure',
    details: { approval: a.id, scenario: a.scenario, requester: a.requester, expiredAt: isoAt(now) },
  })
  return { ...a, status: 'expired' }
}

function describeStatus(a: Approval): string {
  switch (a.status) {
    case 'expired':
      return `expired (at ${a.expiresAt}); ask again with a new rollback`
    case 'rejected':
      return `rejected by ${a.decisions.find((d) => d.verdict === 'reject')?.actor ?? 'someone'}`
    case 'executed':
      return `already executed${a.run ? ` (run ${a.run})` : ''}`
    case 'stale':
      return 'stale: its plan changed before it ran; ask again with a new rollback'
    default:
      return `already ${a.status}`
  }
}
