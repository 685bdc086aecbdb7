import { UserError } from '../core/errors.js'
import type { StateDb } from '../state/open-state.js'
import type { ApprovalTable } from '../state/schema.js'
import type { Approval, ApprovalDecision, ApprovalStatus } from './approval.js'

export async function findApproval(db: StateDb, id: string): Promise<Approval | undefined> {
  const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toApproval(row, await decisionsOf(db, [id])) : undefined
}

export async function requireApproval(db: StateDb, id: string): Promise<Approval> {
  const a = await findApproval(db, id)
  if (!a) throw new UserError(`no approval request "${id}"; \`lastgood approvals --all\` lists them`)
  return a
}

/** Pending and approved requests (all: every one), oldest first. */
export async function listApprovals(db: StateDb, opts: { all?: boolean } = {}): Promise<Approval[]> {
  let q = db.selectFrom('approvals').selectAll().orderBy('created_at').orderBy('id')
  if (!opts.all) q = q.where('status', 'in', ['pending', 'approved'])
  const rows = await q.execute()
  const decisions = await decisionsOf(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => toApproval(r, decisions))
}

/** Requests waiting for a decision; one past its time counts until the recovery scheduler expires it. */
export async function countPendingApprovals(db: StateDb): Promise<number> {
  const r = await db
    .selectFrom('approvals')
    .select(({ fn }) => fn.countAll().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Moves a request from one status to another; false when it was no longer `from` (someone else moved it first). */
export async function moveApproval(
  tx: StateDb,
  id: string,
  from: ApprovalStatus,
  patch: Partial<Pick<ApprovalTable, 'status' | 'decided_at' | 'executed_at' | 'escalated_at' | 'run_id' | 'outcome'>>,
): Promise<boolean> {
  const r = await tx.updateTable('approvals').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

type DecisionOf = ApprovalDecision & { of: string }

async function decisionsOf(db: StateDb, ids: string[]): Promise<DecisionOf[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('approval_decisions').selectAll().where('approval_id', 'in', ids).orderBy('at').execute()
  return rows.map((r) => ({
    of: r.approval_id,
    actor: r.actor,
    verdict: r.verdict as ApprovalDecision['verdict'],
    reason: r.reason,
    at: r.at,
  }))
}

function toApproval(r: ApprovalTable, all: DecisionOf[]): Approval {
  const decisions = all.filter((d) => d.of === r.id).map(({ actor, verdict, reason, at }) => ({ actor, verdict, reason, at }))
  return {
    id: r.id,
    requester: r.requester,
    scenario: r.scenario as Approval['scenario'],
    apps: JSON.parse(r.apps) as string[],
    planHash: r.plan_hash,
    plan: JSON.parse(r.plan) as Approval['plan'],
    ask: JSON.parse(r.request) as Approval['ask'],
    decision: JSON.parse(r.decision) as Approval['decision'],
    reason: r.reason,
    createdAt: r.created_at,
    targetAt: r.target_at,
    expiresAt: r.expires_at,
    requiredApprovers: Number(r.required_approvers) === 2 ? 2 : 1,
    asked: JSON.parse(r.asked) as Approval['asked'],
    status: r.status as ApprovalStatus,
    decisions,
    decidedAt: r.decided_at,
    decisionMs: r.decided_at ? Date.parse(r.decided_at) - Date.parse(r.created_at) : null,
    escalatedAt: r.escalated_at,
    executedAt: r.executed_at,
    run: r.run_id,
    outcome: r.outcome,
  }
}
