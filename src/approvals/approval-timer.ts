import { appendAuditIn } from '../audit/audit-log.js'
import { formatDuration } from '../config-parts/units.js'
import type { Platform } from '../platform/platform.js'
import { escalateIn } from '../recovery/escalation.js'
import { openIncidentsCovering } from '../recovery/open-incident.js'
import { isoAt } from './approval-clock.js'
import { listApprovals, requireApproval } from './approval-store.js'
import { expireIn } from './decide-approval.js'
import { tellApprovers } from './request-approval.js'

/**
 * The approvals' clock, ticked by the recovery scheduler: a request undecided at its target time is escalated
 * once (its approvers' channels told again, every open incident of its apps raised one level); one undecided
 * at approvals.expire_after expires. Each is a conditional update in its own write transaction, so ticks of
 * several processes apply each exactly once.
 */
export async function applyApprovalTimers(
  p: Platform,
  opts: { actor: string; now?: number },
): Promise<{ expired: number; escalated: number }> {
  const now = opts.now ?? Date.now()
  const out = { expired: 0, escalated: 0 }
  for (const pending of (await listApprovals(p.state.db)).filter((a) => a.status === 'pending')) {
    if (Date.parse(pending.expiresAt) <= now) {
      const a = await p.state.writeTransaction(async (tx) => expireIn(tx, await requireApproval(tx, pending.id), now, opts.actor))
      if (a.status === 'expired') out.expired++
      continue
    }
    if (pending.escalatedAt !== null || Date.parse(pending.targetAt) > now) continue
    const done = await p.state.writeTransaction(async (tx) => {
      const moved = await tx
        .updateTable('approvals')
        .set({ escalated_at: isoAt(now) })
        .where('id', '=', pending.id)
        .where('status', '=', 'pending')
        .where('escalated_at', 'is', null)
        .executeTakeFirst()
      if (Number(moved.numUpdatedRows) !== 1) return false
      const a = await requireApproval(tx, pending.id)
      await tellApprovers(tx, p.config, 'approval_escalated', a)
      const reason = `approval ${a.id} (${a.scenario}) is undecided ${formatDuration(now - Date.parse(a.createdAt))} after the request, past its target of ${formatDuration(a.decision.targetMs)}`
      const incidents = await openIncidentsCovering(tx, a.apps)
      for (const i of incidents) await escalateIn(tx, p.config, i, { actor: opts.actor, reason, now, atTop: 'note' })
      await appendAuditIn(tx, {
        actor: opts.actor,
        action: 'approval.escalated',
        target: a.apps.join(','),
        reason,
        outcome: 'success',
        details: { approval: a.id, targetAt: a.targetAt, channels: a.asked.channels, incidents: incidents.map((i) => i.id) },
      })
      return true
    })
    if (done) out.escalated++
  }
  return out
}
