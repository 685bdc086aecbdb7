import type { Scenario } from '../config-parts/decision-vocabulary.js'
import type { IncidentType } from '../config-parts/incident-vocabulary.js'
import type { Decision } from '../decisions/decide.js'
import type { PlanForm } from './plan-hash.js'

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'executed', 'stale'] as const
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number]

/** What the requester asked for, enough to plan it again when it is approved (approvals/plan-ask.ts). */
export interface RollbackAsk {
  apps: string[]
  to?: string
  components?: string[]
  scenario?: Scenario
  /**
   * A runbook's rollback: per app, in order, the snapshot it restores (the incident's recovery target) and the
   * components (absent: its code components). Replaces `to` and `components`.
   */
  restore?: { app: string; to: string; components?: string[] }[]
  /** Asked by an incident's runbook: its type gives the scenario, as it did when the request was made. */
  incident?: { id: string; type: IncidentType }
}

export interface ApprovalDecision {
  actor: string
  verdict: 'approve' | 'reject'
  reason: string
  at: string
}

/** An approval request as every reader sees it (`approvals show`, the API, the wait). */
export interface Approval {
  id: string
  requester: string
  scenario: Scenario
  apps: string[]
  planHash: string
  plan: PlanForm
  ask: RollbackAsk
  decision: Decision
  reason: string
  createdAt: string
  /** When the decision matrix wants the action done: an undecided request is escalated then. */
  targetAt: string
  expiresAt: string
  requiredApprovers: 1 | 2
  /** The roles holding approve:<scenario> and the channels that were told. */
  asked: { roles: string[]; channels: string[] }
  status: ApprovalStatus
  decisions: ApprovalDecision[]
  decidedAt: string | null
  /** Request to decision, reported against the target (decision.targetMs). */
  decisionMs: number | null
  escalatedAt: string | null
  executedAt: string | null
  run: string | null
  /** The run's status once it ended. */
  outcome: string | null
}

/** Where a request ends: nothing more happens to it. An executed one ends once its run has. */
export function isSettled(a: Pick<Approval, 'status' | 'outcome'>): boolean {
  return a.status === 'executed' ? a.outcome !== null : a.status !== 'pending' && a.status !== 'approved'
}

/** The command that approves `id`, as every message that asks for it quotes it. */
export const approveCommand = (id: string) => `lastgood approve ${id} --reason "<why>"`

/** What an event or a timeline entry about a new request carries: enough to act on it without looking it up. */
export function requestedData(a: Approval) {
  return {
    approval: a.id,
    scenario: a.scenario,
    planHash: a.planHash,
    asked: a.asked,
    targetAt: a.targetAt,
    expiresAt: a.expiresAt,
    command: approveCommand(a.id),
  }
}
