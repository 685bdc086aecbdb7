import type { Approval } from '../../approvals/approval.js'
import type { Identity } from '../../auth/identity.js'
import type { ResolvedApp, ResolvedRunbookStep } from '../../config/types.js'
import type { Platform } from '../../platform/platform.js'
import type { StateDb } from '../../state/open-state.js'
import type { Incident } from '../incident.js'
import { findIncident } from '../incident-store.js'
import { type Tell, tellIncident } from '../tell-incident.js'
import { recordTimeline, type TimelineInput } from '../timeline.js'

/** What a runbook step works with. `incident` is kept current: every write reloads it first. */
export interface StepContext {
  p: Platform
  incident: Incident
  /** The incident's scope, in recovery-priority order. */
  apps: ResolvedApp[]
  actor: string
  /** Who runs the runbook, as authenticated: the requester of an approval a step asks for, the actor of a review. */
  identity: Identity
  signal: AbortSignal
  /** The whole runbook, for messages that say what is planned. */
  steps: ResolvedRunbookStep[]
}

/**
 * A step's result: `ok` false fails the step, unless `waiting` says it did not run because the decision matrix
 * wants this approval first; `detail` is one line for people, `data` the facts.
 */
export interface StepOutcome {
  ok: boolean
  detail: string
  data: Record<string, unknown>
  waiting?: Approval
}

/**
 * One write transaction about the incident: it is read again inside the transaction (an escalation or a
 * note from another process may have changed its level or audience), then `fn` records and tells.
 */
export async function writeIncident<T>(ctx: StepContext, fn: (w: IncidentWriter) => Promise<T>): Promise<T> {
  return ctx.p.state.writeTransaction(async (tx) => {
    ctx.incident = (await findIncident(tx, ctx.incident.id)) ?? ctx.incident
    return fn(new IncidentWriter(tx, ctx))
  })
}

export class IncidentWriter {
  constructor(
    readonly tx: StateDb,
    private readonly ctx: StepContext,
  ) {}

  record(e: Omit<TimelineInput, 'actor'> & { actor?: string }) {
    return recordTimeline(this.tx, this.ctx.incident.id, { actor: this.ctx.actor, ...e })
  }

  async tell(t: Tell): Promise<void> {
    this.ctx.incident = await tellIncident(this.tx, this.ctx.p.config, this.ctx.incident, t)
  }
}

/** A step's one-line name: `isolate`, `rollback`, `command flush-cache`. */
export function stepName(s: ResolvedRunbookStep): string {
  return s.kind === 'hook' ? s.name : s.kind
}

/** The reason a runbook's run records (and an approval request it makes): the incident, then what the step does. */
export function runReason(ctx: StepContext, why: string): string {
  return `incident ${ctx.incident.id} (${ctx.incident.type}): ${why}`
}
