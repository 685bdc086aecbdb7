import { setMaxListeners } from 'node:events'
import type { ResolvedApp, ResolvedTrigger } from '../config/types.js'
import { redact } from '../core/redact.js'
import { startTimer, type Timer, timeoutSignal } from '../core/timers.js'
import type { Platform } from '../platform/platform.js'
import type { AuditEvent } from '../audit/audit-event.js'
import type { RecoveryScheduler } from '../recovery/recovery-scheduler.js'
import { planResume, type ResumePlan } from '../rollback/plan-resume.js'
import { resumeRollback } from '../rollback/run-rollback.js'
import { supersedeRun } from '../rollback/supersede-run.js'
import { changedAnything } from '../rollback/close-run.js'
import { findUnfinishedRun } from '../rollback/unfinished-run.js'
import { decide } from './decide.js'
import { EventBus, type EventType, type MonitorEvent } from './events.js'
import type { MetricSource } from '../metrics/metric-source.js'
import { type HealthRound, probeHealth } from '../health/probe-health.js'
import {
  beat,
  lastHeartbeat,
  loadTriggerStates,
  monitorId,
  RESUME_GRACE_MS,
  resetAppTriggers,
  saveTriggerState,
  triggerKey,
} from './monitor-store.js'
import { NewDeploys } from './new-deploys.js'
import { protectionGap } from './protection-gap.js'
import { Responder } from './respond.js'
import { tellSuperseded } from './tell-superseded.js'
import { createSources, type SourceKind, sourceOf } from '../metrics/source-registry.js'
import { advance, INITIAL, type Observation, observe, observeRound, type Transition, type TriggerState } from './trigger-state.js'
import { messageOf, asError } from '../core/errors.js'

export const MONITOR_ACTOR = 'lastgood-monitor'

const HEARTBEAT_MS = 5_000

export interface MonitorOptions {
  actor?: string
  /** Who started the monitor, for the audit trail (its actions are the monitor's own). */
  startedBy?: string
  /** Receives every check's delay between its due time and its start (ms), for the cost benchmark. */
  onDelay?: (ms: number) => void
  /** Receives every app's health round as it completes (`lastgood serve`'s probe-latency metrics). */
  onRound?: (app: string, round: HealthRound) => void
  /**
   * Escalation, status updates, continuity plans and notification delivery, run beside the probes (started
   * and stopped with the monitor); it hears every probe round, so continuity plans follow the apps.
   */
  recovery?: RecoveryScheduler
}

/**
 * Probes every app on its interval and evaluates every trigger after each round; a trigger that fires is
 * decided (decide.ts) and acted on (respond.ts). Apps sharing an interval are probed on the same ticks,
 * aligned to the clock and started in recovery-priority order, so apps that go bad together are decided
 * together and rolled back in priority order. What must survive a restart is in the state database
 * (monitor-store.ts); a rollback the monitor started and did not finish is resumed when it starts again.
 */
export class Monitor {
  readonly bus: EventBus
  private readonly responder: Responder
  private readonly states = new Map<string, TriggerState>()
  private readonly ticking = new Set<string>()
  /** Whether each app's last round failed: a batch of rollbacks waits for a failing app of higher priority. */
  private readonly lastRoundFailed = new Map<string, boolean>()
  /** The pending timer of each interval group, and the heartbeat's: one each, replaced as they fire. */
  private readonly timers = new Map<string, Pick<Timer, 'clear'>>()
  private readonly abort = new AbortController()
  private readonly sources: Map<SourceKind, MetricSource>
  private readonly id = monitorId()
  private readonly actor: string
  private stopped = false
  private starting: Promise<void> | null = null
  private stopping: Promise<void> | null = null
  private readonly deploys: NewDeploys

  constructor(
    private readonly p: Platform,
    readonly apps: ResolvedApp[],
    private readonly opts: MonitorOptions = {},
  ) {
    // Every probe, measurement and rollback of every app listens to this one signal while it runs (each removes
    // its listener when done): hundreds at once is the design, not a leak.
    setMaxListeners(Infinity, this.abort.signal)
    this.actor = opts.actor ?? MONITOR_ACTOR
    this.bus = new EventBus(p.state, this.actor)
    this.deploys = new NewDeploys(p, this.bus, this.abort.signal)
    this.responder = new Responder(
      p,
      this.bus,
      this.actor,
      { rolledBack: (app) => this.judgeAfresh(app), holdFor: (queued) => this.holdFor(queued) },
      this.abort.signal,
    )
    opts.recovery?.subscribe((e) => this.bus.relay(recoveryEvent(e)))
    this.sources = createSources(p.config, apps)
  }

  /**
   * Restores what the last monitor left (within the grace), resumes its unfinished runs, then schedules. A stop
   * meanwhile (stop() may be called at any moment) ends a resumed run at its next step boundary, and nothing
   * is scheduled.
   */
  start(opts: { schedule?: boolean } = {}): Promise<void> {
    this.starting ??= this.begin(opts)
    return this.starting
  }

  private async begin(opts: { schedule?: boolean }): Promise<void> {
    await this.restore()
    await beat(
      this.p.state,
      this.id,
      this.apps.map((a) => a.name),
    )
    await this.bus.emit({
      type: 'monitor.started',
      message: `monitoring ${this.apps.map((a) => a.name).join(', ')}`,
      outcome: 'started',
      data: { monitor: this.id, apps: this.apps.map((a) => a.name), ...(this.opts.startedBy ? { startedBy: this.opts.startedBy } : {}) },
    })
    for (const app of this.apps) {
      const gap = protectionGap(app)
      if (gap)
        await this.bus.emit({
          type: 'monitor.warning',
          app: app.name,
          outcome: 'failure',
          message: gap,
          data: { triggers: app.triggers.length, checks: app.health.checks.length },
        })
    }
    await this.opts.recovery?.start(opts)
    await this.resumeUnfinished()
    if (opts.schedule === false || this.stopped) return
    const hb = setInterval(
      () =>
        void beat(
          this.p.state,
          this.id,
          this.apps.map((a) => a.name),
        ).catch((err) => this.p.log.warn({ err: redact(String(err)) }, 'monitor heartbeat failed')),
      HEARTBEAT_MS,
    )
    this.timers.set('heartbeat', { clear: () => clearInterval(hb) })
    const groups = new Map<number, ResolvedApp[]>()
    for (const app of this.apps) groups.set(app.health.intervalMs, [...(groups.get(app.health.intervalMs) ?? []), app])
    for (const [interval, group] of groups) this.scheduleGroup(interval, group)
  }

  /** One round of every app, then waits for whatever it decided to be carried out. */
  async runOnce(): Promise<void> {
    await Promise.all(this.apps.map((a) => this.tick(a)))
    await this.responder.idle()
    await this.opts.recovery?.tick()
  }

  /**
   * Stops at once, whatever the monitor is doing (starting, resuming a run, rolling back): a rollback under way
   * finishes the step in progress (a restore, bounded by its deadline) or cuts a step that only reads, journals
   * where it stopped and says so; the next monitor resumes it. `why` (SIGINT, SIGTERM) is in what it says.
   */
  stop(why = 'a stop request'): Promise<void> {
    this.stopping ??= this.halt(why)
    return this.stopping
  }

  private async halt(why: string): Promise<void> {
    this.stopped = true
    for (const t of this.timers.values()) t.clear()
    this.abort.abort(new Error(why))
    await this.starting?.catch((err: unknown) => this.p.log.error({ err: redact(String(err)) }, 'monitor start failed'))
    await this.responder.idle()
    while (this.ticking.size > 0) await new Promise((r) => setTimeout(r, 10))
    await this.opts.recovery?.stop()
    await beat(
      this.p.state,
      this.id,
      this.apps.map((a) => a.name),
      true,
    )
    await this.bus.emit({ type: 'monitor.stopped', message: `monitor stopped (${why})`, data: { monitor: this.id, why } })
  }

  /** Forgets the app's rounds and trigger states: after a rollback or a deploy, the new state is judged alone. */
  async judgeAfresh(app: string): Promise<void> {
    for (const source of this.sources.values()) source.forget?.(app)
    this.deploys.forget(app)
    for (const k of [...this.states.keys()]) if (k.startsWith(triggerKey(app, ''))) this.states.delete(k)
    await resetAppTriggers(this.p.state, app)
  }

  triggerState(app: string, trigger: string): TriggerState {
    return this.states.get(triggerKey(app, trigger)) ?? INITIAL
  }

  /**
   * The first round runs at once: a monitor that starts or restarts must know the state now, not at the next
   * multiple of a long interval (with `interval: 300d`, that could be months away). Later rounds fall on
   * multiples of the interval, so the apps of a group are probed together; missed ticks are skipped, never burst.
   */
  private scheduleGroup(interval: number, group: ResolvedApp[]): void {
    let due = Date.now()
    const fire = () => {
      if (this.stopped) return
      for (const app of group) {
        if (this.ticking.has(app.name)) continue
        this.opts.onDelay?.(Date.now() - due)
        void this.tick(app)
      }
      // The next multiple after both now and this tick: a timer that fires a little early never fires twice.
      due = (Math.floor(Math.max(Date.now(), due) / interval) + 1) * interval
      this.timers.set(`group:${interval}`, startTimer(due - Date.now(), fire))
    }
    this.timers.set(`group:${interval}`, startTimer(0, fire))
  }

  /**
   * How long a batch of rollbacks may wait for an app of higher recovery priority whose last round failed and
   * that is not queued yet: up to one of its probe intervals, since apps that break together cross their
   * triggers within one interval of each other. So a platform-wide failure is recovered in priority order
   * however the apps' probes happen to be phased; an app that fails alone waits for no one.
   */
  private holdFor(queued: readonly ResolvedApp[]): number {
    const top = Math.min(...queued.map((a) => a.priority))
    const waiting = new Set(queued.map((a) => a.name))
    const before = this.apps.filter(
      (a) => a.priority < top && !waiting.has(a.name) && !this.responder.busy(a.name) && this.lastRoundFailed.get(a.name) === true,
    )
    return Math.max(0, ...before.map((a) => a.health.intervalMs))
  }

  private async tick(app: ResolvedApp): Promise<void> {
    if (this.responder.busy(app.name) || this.stopped) return
    this.ticking.add(app.name)
    try {
      const round = await probeHealth(app.health, this.abort.signal)
      if (this.stopped) return
      this.opts.onRound?.(app.name, round)
      this.lastRoundFailed.set(app.name, round.state === 'failed')
      const now = Date.now()
      for (const source of this.sources.values()) source.observe?.(app.name, round, now)
      await this.opts.recovery?.observeRound(app, round.state, now)
      const failed = round.probes
        .filter((x) => !x.ok)
        .map((x) => `${x.check}: ${x.error}`)
        .join('; ')
      for (const t of app.triggers) {
        const prev = this.triggerState(app.name, t.name)
        let observation: Observation
        let streak = 0
        if (t.kind === 'health_failures') {
          ;({ observation, streak } = observeRound(t, prev, { state: round.state, detail: failed }))
        } else {
          observation = observe(t, await this.measure(app, t, now))
        }
        const { next, transition } = advance(t, { ...prev, streak }, observation, now)
        const changed = next.phase !== prev.phase || next.streak !== prev.streak || next.since !== prev.since
        this.states.set(triggerKey(app.name, t.name), next)
        if (changed)
          await saveTriggerState(this.p.state, app.name, t.name, next, { value: observation.value ?? null, detail: observation.detail })
        if (transition) await this.transitioned(app, t, transition, observation, prev, now)
      }
      // A trigger stays firing after a failed or escalated rollback: a new deploy must be judged afresh.
      const firing = app.triggers.some((t) => this.triggerState(app.name, t.name).phase === 'firing')
      if (firing && !this.stopped && (await this.deploys.since(app))) await this.judgeAfresh(app.name)
    } catch (err) {
      this.p.log.error({ app: app.name, err: redact(asError(err).stack ?? messageOf(err)) }, 'monitor round failed')
    } finally {
      this.ticking.delete(app.name)
    }
  }

  private async measure(app: ResolvedApp, t: Exclude<ResolvedTrigger, { kind: 'health_failures' }>, at: number) {
    const kind = sourceOf(t)
    const source = this.sources.get(kind)
    if (!source) return { phase: 'error' as const, error: `no ${kind} configured` }
    // No timeout signal here: a source that reads memory needs none, and one that asks a server applies its
    // own query timeout. Two signals per trigger per round were a fifth of the monitor's garbage at 500 apps.
    const signal = this.abort.signal
    if (t.kind === 'promql') return source.measure({ app: app.name, kind: 'promql', expr: t.query, windowMs: 0, at }, signal)
    return source.measure(
      {
        app: app.name,
        kind: t.kind,
        windowMs: t.windowMs,
        at,
        ...(t.kind === 'error_rate' && t.overRequests !== undefined ? { lastRequests: t.overRequests } : {}),
        ...(t.kind === 'latency' ? { percentile: t.percentile } : {}),
      },
      signal,
    )
  }

  private async transitioned(
    app: ResolvedApp,
    t: ResolvedTrigger,
    transition: Transition,
    o: Observation,
    prev: TriggerState,
    now: number,
  ): Promise<void> {
    const words: Record<Transition, string> = {
      pending: `condition holds; fires if it still holds in ${Math.round(t.forMs / 1000)} s`,
      firing: 'FIRING',
      cleared: 'condition stopped holding before it fired',
      resolved: 'resolved',
      'no-data': 'no data (not healthy, not firing)',
    }
    await this.bus.emit({
      type: `trigger.${transition}` as EventType,
      app: app.name,
      trigger: t.name,
      at: now,
      message: `${app.name}/${t.name}: ${words[transition]}: ${o.detail}`,
      outcome: transition === 'firing' ? 'failure' : 'success',
      data: {
        kind: t.kind,
        action: t.action,
        value: o.value ?? null,
        detail: o.detail,
        ...(transition === 'firing' ? { conditionSince: new Date(prev.phase === 'pending' ? prev.since : now).toISOString() } : {}),
      },
    })
    if (transition !== 'firing') return
    await this.deploys.fired(app)
    const decision = decide(t, await this.deploys.cooldown(app), this.p.config.monitor, now)
    const since =
      prev.phase === 'pending' ? prev.since : now - (t.kind === 'health_failures' ? (t.consecutive - 1) * app.health.intervalMs : 0)
    await this.responder.respond({ app, trigger: t, decision, detail: o.detail, since })
  }

  private async restore(): Promise<void> {
    const last = await lastHeartbeat(this.p.state.db)
    if (last === null || Date.now() - last > RESUME_GRACE_MS) return
    const saved = await loadTriggerStates(
      this.p.state.db,
      this.apps.map((a) => a.name),
    )
    for (const app of this.apps) {
      for (const t of app.triggers) {
        const s = saved.get(triggerKey(app.name, t.name))
        if (!s) continue
        // A firing trigger comes back pending with its `for` already served: if it still holds at the next
        // evaluation it fires again at once (a decision lost in a crash is made again), if not it clears.
        const restored: TriggerState =
          s.phase === 'firing'
            ? { phase: 'pending', since: s.since - t.forMs, streak: Math.max(0, s.streak - 1) }
            : { phase: s.phase, since: s.since, streak: s.streak }
        this.states.set(triggerKey(app.name, t.name), restored)
      }
    }
  }

  /**
   * A run this monitor's actor started and that stopped unfinished (its process was killed mid-rollback) is
   * resumed as planned. A run a person started is reported and left to them.
   */
  private async resumeUnfinished(): Promise<void> {
    const seen = new Set<string>()
    for (const app of this.apps) {
      if (this.stopped) return
      const u = await findUnfinishedRun(this.p.state.db, app.name)
      if (!u || seen.has(u.run.id) || u.run.plan === null) continue
      seen.add(u.run.id)
      if (u.run.actor !== this.actor) {
        const next = changedAnything(u.steps)
          ? 'a person resumes or abandons it'
          : `it changed nothing, so the next rollback of ${app.name} closes it`
        await this.bus.emit({
          type: 'run.unfinished',
          app: app.name,
          outcome: 'refused',
          message: `rollback ${u.run.id} by ${u.run.actor} stopped ${u.stoppedAt}; ${next}`,
          data: { run: u.run.id },
        })
        continue
      }
      try {
        const resume = await planResume(this.p, u.run.id, timeoutSignal(app.rollback.timeoutMs))
        if (resume.superseded.length > 0) {
          await this.superseded(app.name, resume)
          continue
        }
        await this.bus.emit({
          type: 'run.resumed',
          app: app.name,
          outcome: 'started',
          message: `resuming automatic rollback ${u.run.id}, which stopped ${u.stoppedAt}`,
          data: { run: u.run.id, stoppedAt: u.stoppedAt },
        })
        const report = await resumeRollback(this.p, resume, {
          actor: this.actor,
          reason: `the monitor restarted; finishing its rollback ${u.run.id}`,
          stop: this.abort.signal,
        })
        await this.responder.finished(report, new Map())
      } catch (err) {
        await this.bus.emit({
          type: 'run.unfinished',
          app: app.name,
          outcome: 'failure',
          message: `rollback ${u.run.id} stopped ${u.stoppedAt} and could not be resumed: ${redact(messageOf(err))}`,
          data: { run: u.run.id },
        })
      }
    }
  }

  /**
   * A release was deployed since the monitor's own run stopped: finishing the run would revert it. The run is
   * closed as superseded (nothing restored), people are told, and what runs now is watched as a new deploy.
   */
  private async superseded(app: string, resume: ResumePlan): Promise<void> {
    const closed = await supersedeRun(this.p, resume, {
      actor: this.actor,
      reason: `the monitor restarted and found a release deployed since its rollback ${resume.run.id} stopped`,
    })
    const told = await tellSuperseded(this.p, closed)
    for (const a of closed.apps) {
      await this.judgeAfresh(a)
      await this.deploys.reset(a)
    }
    await this.bus.emit({
      type: 'rollback.superseded',
      app,
      outcome: 'refused',
      message: `${closed.message}; watching what runs now as a new deploy`,
      data: { run: closed.run, stoppedAt: closed.stoppedAt, superseded: closed.superseded, notified: told },
    })
  }
}

/** A recovery action from the audit chain as a monitor event: an escalation, a continuity plan, a runbook step. */
function recoveryEvent(e: AuditEvent): MonitorEvent {
  const at = typeof e.details.at === 'string' ? e.details.at : e.ts
  return {
    type: 'recovery',
    at,
    message: `${e.action.replace(/^incident\./, '')} ${e.target}: ${e.reason ?? ''}`.trim(),
    outcome: e.outcome as MonitorEvent['outcome'],
    data: { action: e.action, target: e.target, actor: e.actor, seq: e.seq, ...e.details },
  }
}
