import { auditAs } from '../auth/audit-as.js'
import type { Identity } from '../auth/identity.js'
import type { Decision } from '../decisions/decide.js'
import type { Platform } from '../platform/platform.js'
import type { RollbackPlan } from '../rollback/plan-rollback.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import type { Approval, RollbackAsk } from './approval.js'
import { type ApprovalClock, nowMs } from './approval-clock.js'
import { grantsCovering, openGrant } from './break-glass.js'
import { requestApproval } from './request-approval.js'
import { openReviewIn, type Review } from './reviews.js'

export interface GatedAction {
  plan: RollbackPlan
  decision: Decision
  ask: RollbackAsk
  reason: string
  /** --break-glass: open a grant (or act under the actor's open one) instead of asking for an approval. */
  breakGlass?: boolean
}

export type GateOutcome =
  | { kind: 'requested'; approval: Approval }
  /** Run it now; `authority` goes into rollback.start (RunOptions.authority): a grant, when it runs under one. */
  | { kind: 'proceed'; authority: Record<string, unknown>; review?: Review }

/**
 * The one decision between asking and acting, for every door (the rollback command, later the server's run
 * route): with --break-glass it runs under a grant (opened now, or the actor's open one over these apps); under
 * the actor's open grant it runs too; where the decision matrix wants an approval it becomes a request (after
 * a grant of the actor's over these apps ran out: `break-glass.expired` is audited first); otherwise it runs.
 */
export async function requestOrProceed(p: Platform, identity: Identity, action: GatedAction, clock?: ApprovalClock): Promise<GateOutcome> {
  const apps = action.plan.apps.map((a) => a.app.name)
  const now = nowMs(clock)
  const grants = await grantsCovering(p.state.db, identity.subject, apps, now)
  if (action.breakGlass) {
    if (grants.open) return underGrant(grants.open.id, grants.open.expiresAt)
    const { grant, review } = await openGrant(p, identity, apps, action.reason, clock)
    return { ...underGrant(grant.id, grant.expiresAt), review }
  }
  if (!action.decision.approval.required) return { kind: 'proceed', authority: {} }
  if (grants.open) return underGrant(grants.open.id, grants.open.expiresAt)
  if (grants.expired) {
    const expired = grants.expired
    await p.state.writeTransaction((tx) =>
      auditAs(tx, identity, {
        action: 'break-glass.expired',
        target: apps.join(','),
        reason: action.reason,
        outcome: 'refused',
        details: { grant: expired.id, expiredAt: expired.expiresAt, why: 'the grant ran out: an approval is asked for instead' },
      }),
    )
  }
  return { kind: 'requested', approval: await requestApproval(p, identity, action, clock) }
}

function underGrant(grant: string, until: string): Extract<GateOutcome, { kind: 'proceed' }> {
  return { kind: 'proceed', authority: { breakGlass: true, grant, grantExpiresAt: until } }
}

/**
 * After a run of the matrix's flagged row (emergency): it ran without approval, so it is reviewed like
 * break-glass. Returns the review it opened, if any.
 */
export async function reviewFlaggedRun(
  p: Platform,
  identity: Identity,
  decision: Decision,
  report: RollbackReport,
  clock?: ApprovalClock,
): Promise<Review | undefined> {
  if (!decision.flagged) return undefined
  return p.state.writeTransaction((tx) =>
    openReviewIn(
      tx,
      { kind: 'emergency', subject: report.run, actor: identity.subject, apps: report.apps.map((a) => a.app), reason: report.reason },
      nowMs(clock),
    ),
  )
}
