import { applyApprovalTimers } from '../approvals/approval-timer.js'
import type { AuditEvent } from '../audit/audit-event.js'
import type { ResolvedApp } from '../config/types.js'
import { redact } from '../core/redact.js'
import { Outbox } from '../notify/outbox.js'
import type { Platform } from '../platform/platform.js'
import { sendDueBreachReminders } from './breach-reminders.js'
import { checkContinuityBreaches } from './continuity-breach.js'
import { ContinuityWatch, type RoundState } from './continuity-watch.js'
import { applyDueEscalations } from './escalation.js'
import { recordAttemptOnTimeline } from './outbox-timeline.js'
import { tellOverdueActionItems } from './overdue-action-items.js'
import { RecoveryFeed } from './recovery-feed.js'
import { sendDueStatusUpdates } from './status-updates.js'
import { messageOf } from '../core/errors.js'

/** How often due escalations, status updates, continuity breaches and overdue action items are looked for. */
const TICK_MS = 1_000

export interface TickResult {
  escalations: number
  statusUpdates: number
  breaches: number
  /** Breach-assessment reminders queued. */
  breachReminders: number
  /** Approval requests escalated at their target time, and expired. */
  approvals: { escalated: number; expired: number }
  /** Action items told about as overdue (once each). */
  overdueActionItems: number
}

/**
 * The time-driven half of incident handling, run by the long-lived process (`lastgood monitor`): each tick
 * applies due escalation levels, escalates and expires approval requests at their times, queues due status
 * updates and breach-assessment reminders, handles continuity breaches and tells of overdue action items; beside it
 * the notification outbox delivers. Every effect is a
 * conditional update in the state database, so ticks of several processes, or of a process restarted after a
 * kill, neither repeat nor lose one. Ticks never overlap, and a tick that fails is logged and retried on the next.
 */
export class RecoveryScheduler {
  readonly outbox: Outbox
  readonly continuity: ContinuityWatch
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<TickResult> | undefined
  private readonly feed: RecoveryFeed
  private readonly listeners: Array<(e: AuditEvent) => void> = []

  constructor(
    private readonly p: Platform,
    private readonly opts: { actor: string; tickMs?: number },
  ) {
    this.outbox = new Outbox({ state: p.state, config: p.config, onAttempt: recordAttemptOnTimeline, log: p.log })
    this.continuity = new ContinuityWatch(p, opts.actor)
    this.feed = new RecoveryFeed(p.state.db)
  }

  /** Every recovery action recorded from start() on, by this process or any other, after the tick that saw it. */
  subscribe(fn: (e: AuditEvent) => void): void {
    this.listeners.push(fn)
  }

  /**
   * One tick now (a restarted process catches up at once), then one every tickMs, with the outbox beside it;
   * `schedule: false` (a one-round monitor) stops after the first tick.
   */
  async start(opts: { schedule?: boolean } = {}): Promise<void> {
    await this.feed.start()
    await this.continuity.refresh()
    await this.tick()
    if (opts.schedule === false) return
    this.outbox.start()
    const every = this.opts.tickMs ?? TICK_MS
    this.timer = setInterval(() => void this.tick(), every)
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.ticking
    await this.outbox.stop()
  }

  /** A probe round of an app (monitor.ts): continuity plans follow the apps they need. */
  async observeRound(app: ResolvedApp, state: RoundState, at: number): Promise<void> {
    try {
      await this.continuity.observe(app, state, at)
    } catch (err) {
      this.p.log.warn(
        { app: app.name, err: redact(messageOf(err)) },
        'continuity: cannot record an app going down or up; the next round tries again',
      )
    }
  }

  tick(now = Date.now()): Promise<TickResult> {
    if (this.ticking) return this.ticking
    this.ticking = this.run(now).finally(() => (this.ticking = undefined))
    return this.ticking
  }

  private async run(now: number): Promise<TickResult> {
    const out: TickResult = {
      escalations: 0,
      statusUpdates: 0,
      breaches: 0,
      breachReminders: 0,
      approvals: { escalated: 0, expired: 0 },
      overdueActionItems: 0,
    }
    const { actor } = this.opts
    const steps: Array<[string, () => Promise<void>]> = [
      ['escalation', async () => void (out.escalations = await applyDueEscalations(this.p, { actor, now }))],
      ['approvals', async () => void (out.approvals = await applyApprovalTimers(this.p, { actor, now }))],
      ['status updates', async () => void (out.statusUpdates = await sendDueStatusUpdates(this.p, { now }))],
      ['breach reminders', async () => void (out.breachReminders = await sendDueBreachReminders(this.p, { actor, now }))],
      [
        'continuity',
        async () => {
          out.breaches = (await checkContinuityBreaches(this.p, { actor, now })).length
          await this.continuity.refresh()
        },
      ],
      ['action items', async () => void (out.overdueActionItems = await tellOverdueActionItems(this.p, { actor, now }))],
      [
        'feed',
        async () => {
          for (const e of await this.feed.poll()) for (const l of this.listeners) l(e)
        },
      ],
    ]
    for (const [what, step] of steps) {
      try {
        await step()
      } catch (err) {
        this.p.log.warn({ err: redact(messageOf(err)) }, `recovery scheduler: ${what} failed; retried next tick`)
      }
    }
    return out
  }
}
