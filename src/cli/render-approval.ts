import { type Approval, approveCommand } from '../approvals/approval.js'
import { describePlan } from '../approvals/plan-hash.js'
import type { Review } from '../approvals/reviews.js'
import { formatDuration } from '../config-parts/units.js'
import { table } from './output.js'

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-')

function whoDecides(a: Approval): string {
  const people = a.requiredApprovers === 2 ? 'two different people' : 'one person'
  return `${people} holding ${a.decision.approval.permission} (${a.asked.roles.join(', ') || 'no role holds it'}), not ${a.requester}`
}

/** What the rollback command that made a request prints: its id, who was asked, and what to run next. */
export function renderRequested(a: Approval): string {
  return `${renderAsked(a)}\nNothing was changed yet (exit 3: refused for now).`
}

/** A request as any command that made it says it (a rollback, an incident's runbook): id, who, when, how. */
export function renderAsked(a: Approval): string {
  const told = a.asked.channels.length ? `told on ${a.asked.channels.join(', ')}` : 'no channel configured for those roles'
  return [
    `approval ${a.id} requested: the decision matrix wants ${whoDecides(a)} to approve this ${a.scenario} rollback (${told}).`,
    `Target time ${when(a.targetAt)} (${formatDuration(a.decision.targetMs)}); the request expires ${when(a.expiresAt)}.`,
    `Approve: ${approveCommand(a.id)}    follow it: lastgood approvals wait ${a.id}`,
  ].join('\n')
}

export function renderApprovalList(list: Approval[]): string {
  return table(
    ['ID', 'STATUS', 'SCENARIO', 'APPS', 'REQUESTER', 'CREATED', 'TARGET', 'APPROVALS'],
    list.map((a) => [
      a.id,
      a.status + (a.outcome ? ` (${a.outcome})` : ''),
      a.scenario,
      a.apps.join(','),
      a.requester,
      when(a.createdAt),
      when(a.targetAt),
      `${a.decisions.filter((d) => d.verdict === 'approve').length}/${a.requiredApprovers}`,
    ]),
  )
}

export function renderApproval(a: Approval): string {
  const lines = [
    `approval ${a.id}: ${a.status}${a.outcome ? ` (run ${a.run}: ${a.outcome})` : ''}`,
    `scenario ${a.scenario}, asked by ${a.requester} at ${when(a.createdAt)}: ${a.reason}`,
    `approval by ${whoDecides(a)}`,
    `target ${when(a.targetAt)} (${formatDuration(a.decision.targetMs)}), expires ${when(a.expiresAt)}${a.escalatedAt ? `, escalated ${when(a.escalatedAt)}` : ''}`,
    `plan ${a.planHash.slice(0, 12)}:`,
    describePlan(a.plan),
  ]
  for (const d of a.decisions)
    lines.push(`${d.verdict === 'approve' ? 'approved' : 'rejected'} by ${d.actor} at ${when(d.at)}: ${d.reason}`)
  if (a.decisionMs !== null)
    lines.push(
      `decided ${formatDuration(Math.round(a.decisionMs / 1000) * 1000)} after the request (target ${formatDuration(a.decision.targetMs)})`,
    )
  return lines.join('\n')
}

export function renderReviewList(list: Review[]): string {
  return table(
    ['ID', 'KIND', 'OF', 'ACTOR', 'APPS', 'OPENED', 'CLOSED BY', 'REASON'],
    list.map((r) => [r.id, r.kind, r.subject, r.actor, r.apps.join(','), when(r.openedAt), r.closedBy ?? '-', r.reason]),
  )
}
