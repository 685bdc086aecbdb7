import type { AuditOutcome } from '../audit/audit-event.js'
import { appendAudit } from '../audit/audit-log.js'
import type { State } from '../state/open-state.js'

/**
 * Every detection, decision and action of the monitor is one event: appended to the audit chain and handed
 * to whoever subscribes (the CLI prints them; notification channels and the dashboard subscribe later).
 *
 * detect:  trigger.pending, trigger.firing, trigger.cleared, trigger.resolved, trigger.no-data
 * decide:  decision (rollback, alert or escalate, and why)
 * act:     rollback.queued, rollback.done, rollback.skipped, alert.recorded, escalation.recorded,
 *          run.resumed, run.unfinished
 * matrix:  approval.requested (the decision matrix wants a person to approve the rollback: asked instead),
 *          approval.waiting (a request for the same plan is still open: not asked again), review.opened (a run of
 *          a flagged row, reviewed afterwards)
 * watch:   watch.started, watch.passed, watch.failed
 * act:     rollback.interrupted (a stop signal ended a run at a step boundary), rollback.superseded (a resume
 *          found a release deployed meanwhile), deploy.detected (the live version changed under a firing trigger
 *          or an automatic rollback's cooldown)
 * life:    monitor.started, monitor.stopped, monitor.warning (an app nothing would act on)
 * relayed: recovery (an incident or continuity action some process recorded; already in the audit chain)
 */
export type EventType =
  | 'trigger.pending'
  | 'trigger.firing'
  | 'trigger.cleared'
  | 'trigger.resolved'
  | 'trigger.no-data'
  | 'decision'
  | 'rollback.queued'
  | 'rollback.done'
  | 'rollback.skipped'
  | 'alert.recorded'
  | 'approval.requested'
  | 'approval.waiting'
  | 'review.opened'
  | 'escalation.recorded'
  | 'run.resumed'
  | 'run.unfinished'
  | 'rollback.interrupted'
  | 'rollback.superseded'
  | 'deploy.detected'
  | 'watch.started'
  | 'watch.passed'
  | 'watch.failed'
  | 'monitor.started'
  | 'monitor.stopped'
  | 'monitor.warning'
  | 'recovery'

export interface MonitorEvent {
  type: EventType
  /** ISO-8601 with milliseconds, taken when the event happened (not when it was stored). */
  at: string
  app?: string
  trigger?: string
  /** One line for people. */
  message: string
  outcome: AuditOutcome
  data: Record<string, unknown>
}

export type Listener = (e: MonitorEvent) => void

export class EventBus {
  private listeners: Listener[] = []

  constructor(
    private readonly state: State,
    private readonly actor: string,
  ) {}

  subscribe(fn: Listener): () => void {
    this.listeners.push(fn)
    return () => void (this.listeners = this.listeners.filter((l) => l !== fn))
  }

  /** An event the audit chain already holds (recorded elsewhere): delivered only, never appended again. */
  relay(event: MonitorEvent): void {
    for (const l of this.listeners) l(event)
  }

  /** Stored first, then delivered: a subscriber never sees an event the audit chain does not hold. */
  async emit(
    e: Omit<MonitorEvent, 'at' | 'outcome' | 'data'> & { outcome?: AuditOutcome; data?: Record<string, unknown>; at?: number },
  ): Promise<MonitorEvent> {
    const event: MonitorEvent = {
      type: e.type,
      at: new Date(e.at ?? Date.now()).toISOString(),
      message: e.message,
      outcome: e.outcome ?? 'success',
      data: e.data ?? {},
      ...(e.app !== undefined ? { app: e.app } : {}),
      ...(e.trigger !== undefined ? { trigger: e.trigger } : {}),
    }
    await appendAudit(this.state, {
      actor: this.actor,
      action: `monitor.${event.type}`,
      target: event.app ?? '*',
      reason: event.message,
      outcome: event.outcome,
      details: { at: event.at, ...(event.trigger ? { trigger: event.trigger } : {}), ...event.data },
    })
    for (const l of this.listeners) l(event)
    return event
  }
}
