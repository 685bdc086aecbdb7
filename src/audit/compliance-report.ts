import { type BreachAssessment, describeBreachAssessment, listBreachAssessments } from '../recovery/breach-assessment.js'
import type { CheckpointListing } from '../repository/types.js'
import type { StateDb } from '../state/open-state.js'
import type { AuditEvent } from './audit-event.js'
import { fromRow } from './audit-log.js'
import { isRecoveryAction, RECOVERY_ACTION_CANDIDATES } from './recovery-actions.js'
import { type AuditVerifyReport, verifyAudit } from './verify-audit.js'

/**
 * Every recovery action in the audit chain over a window, with the chain's own verdict: an auditor reads
 * who did what, when, to what, why, with what outcome, and whether the record itself can be trusted.
 */
export interface ComplianceReport {
  platform: string
  generatedAt: string
  window: { since: string | null; until: string | null }
  /** The whole chain, not just the window: a break anywhere makes every later event unverifiable. */
  chain: AuditVerifyReport
  actions: ComplianceAction[]
  /** Suspected breaches whose assessment ran in the window: each deadline, and whether it was met. */
  breachAssessments: (BreachAssessment & { state: string })[]
  /** Business-continuity plans activated in the window: how long their function was down first. */
  continuityActivations: ContinuityActivationFigure[]
}

/** Seed 000: business continuity activated in under 5 minutes from the outage. */
export const CONTINUITY_ACTIVATION_TARGET_MS = 5 * 60_000

export interface ContinuityActivationFigure {
  plan: string
  function: string
  apps: string[]
  /** When the function went down: the first failed round of the streak, or the incident's escalation. */
  downSince: string
  activatedAt: string
  activationMs: number
  withinTarget: boolean
}

/** Stated when an event records no approval and no break-glass: never left blank or guessed. */
export const NONE_RECORDED = 'none recorded'

export interface ComplianceAction {
  seq: number
  /** When the event was appended to the chain. */
  at: string
  actor: string
  action: string
  target: string
  reason: string | null
  outcome: string
  approvals: string
  breakGlass: string
  details: Record<string, unknown>
}

export interface ComplianceOptions {
  platform: string
  since?: string
  until?: string
  /** From the repository: without them a cut tail or a full rehash of the chain goes unnoticed. */
  checkpoints?: CheckpointListing
}

export async function buildComplianceReport(db: StateDb, opts: ComplianceOptions): Promise<ComplianceReport> {
  const chain = await verifyAudit(db, opts.checkpoints ? { checkpoints: opts.checkpoints } : {})
  const now = Date.now()
  const window = { ...(opts.since ? { since: opts.since } : {}), ...(opts.until ? { until: opts.until } : {}) }
  const actions = (await eventsIn(db, opts)).filter(isRecoveryAction).map(toAction)
  return {
    platform: opts.platform,
    generatedAt: new Date(now).toISOString(),
    window: { since: opts.since ?? null, until: opts.until ?? null },
    chain,
    actions,
    continuityActivations: actions.filter((a) => a.action === 'continuity.activated').map(activationFigure),
    breachAssessments: (await listBreachAssessments(db, window)).map((a) => ({ ...a, state: describeBreachAssessment(a, now) })),
  }
}

/** The window's events whose action may be a recovery action: of a long chain, only those are read and parsed. */
async function eventsIn(db: StateDb, opts: ComplianceOptions): Promise<AuditEvent[]> {
  const { actions, prefixes } = RECOVERY_ACTION_CANDIDATES
  let q = db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) => eb.or([eb('action', 'in', actions), ...prefixes.map((p) => eb('action', 'like', `${p}%`))]))
    .orderBy('seq', 'asc')
  if (opts.since) q = q.where('ts', '>=', opts.since)
  if (opts.until) q = q.where('ts', '<=', opts.until)
  const events: AuditEvent[] = []
  for (const row of await q.execute()) {
    try {
      events.push(fromRow(row))
    } catch {
      // A row whose details were edited into invalid JSON: the chain status names it; its columns still show.
      events.push({ ...fromRow({ ...row, details: '{}' }), details: { unreadable: row.details } })
    }
  }
  return events
}

/**
 * The continuity activations a platform's audit trail records, without the rest of the report (a drill reads
 * its throwaway platform's: no chain to verify, no window).
 */
export async function continuityActivations(db: StateDb): Promise<ContinuityActivationFigure[]> {
  const rows = await db.selectFrom('audit_events').selectAll().where('action', '=', 'continuity.activated').orderBy('seq', 'asc').execute()
  return rows.map((r) => activationFigure(toAction(fromRow(r))))
}

/** An activation recorded before its time was (issue 14) is measured from the outage to its audit event. */
function activationFigure(a: ComplianceAction): ContinuityActivationFigure {
  const d = a.details
  const downSince = text(d.since)
  const activatedAt = typeof d.activatedAt === 'string' ? d.activatedAt : a.at
  const activationMs = typeof d.activationMs === 'number' ? d.activationMs : Date.parse(activatedAt) - Date.parse(downSince)
  return {
    plan: a.target,
    function: text(d.function),
    apps: Array.isArray(d.apps) ? d.apps.map(text) : [],
    downSince,
    activatedAt,
    activationMs,
    withinTarget: activationMs < CONTINUITY_ACTIVATION_TARGET_MS,
  }
}

function toAction(e: AuditEvent): ComplianceAction {
  return {
    seq: e.seq,
    at: e.ts,
    actor: e.actor,
    action: e.action,
    target: e.target,
    reason: e.reason,
    outcome: e.outcome,
    approvals: approvalsOf(e.details) ?? NONE_RECORDED,
    breakGlass: breakGlassOf(e.action, e.details) ?? NONE_RECORDED,
    details: e.details,
  }
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))
const seconds = (ms: unknown) => (typeof ms === 'number' ? `${Math.round(ms / 1000)}s` : '?')

/**
 * The approval an event records: a run started under one (who approved, request to decision against the
 * target), or a step of a request (its id, and the decision time once decided).
 */
function approvalsOf(d: Record<string, unknown>): string | undefined {
  const a = d.approval
  if (a && typeof a === 'object') {
    const { id, approvedBy, decisionMs, targetMs } = a as { id?: unknown; approvedBy?: unknown; decisionMs?: unknown; targetMs?: unknown }
    return `${String(id)} approved by ${Array.isArray(approvedBy) ? approvedBy.join(' and ') : '?'}; decided in ${seconds(decisionMs)} (target ${seconds(targetMs)})`
  }
  if (typeof a !== 'string') return undefined
  return d.decisionMs !== undefined ? `${a}: decided in ${seconds(d.decisionMs)} (target ${seconds(d.targetMs)})` : a
}

/** Emergency access an event records: an action under a grant, the grant itself, or its review. */
function breakGlassOf(action: string, d: Record<string, unknown>): string | undefined {
  if (d.breakGlass === true) return `yes (grant ${text(d.grant)}${d.review ? `, review ${text(d.review)}` : ''})`
  if (action.startsWith('break-glass.')) return `${action.slice('break-glass.'.length)}${d.grant ? ` (grant ${text(d.grant)})` : ''}`
  if (action.startsWith('review.') && d.kind === 'emergency') return `emergency run reviewed (${text(d.review)})`
  const decision = d.decision as { flagged?: unknown } | undefined
  if (decision?.flagged === true) return 'emergency (flagged: no approval; reviewed)'
  return undefined
}
