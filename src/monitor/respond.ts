import type { ResolvedApp } from '../config/types.js'
import { redact } from '../core/redact.js'
import { timeoutSignal } from '../core/timers.js'
import type { Platform } from '../platform/platform.js'
import { planRollback, type AppPlan, type RollbackPlan } from '../rollback/plan-rollback.js'
import { runRollback, type RollbackReport } from '../rollback/run-rollback.js'
import { latestRun } from '../rollback/unfinished-run.js'
import type { Firing } from './decide.js'
import type { EventBus } from './events.js'
import { declareIncident } from '../recovery/declare-incident.js'
import { recordRunOnIncidents } from '../recovery/record-run.js'
import { loadCooldown, recordPendingRollback, saveCooldown } from './monitor-store.js'
import { messageOf } from '../core/errors.js'
import type { Identity } from '../auth/identity.js'
import type { Decision as MatrixDecision } from '../decisions/decide.js'
import { decidePlan } from '../rollback/plan-decision.js'
import { askInstead, batchDecision, monitorIdentity, reviewIfFlagged } from './matrix-gate.js'

/** Rollback decisions that come due this close together run as one run, in recovery-priority order. */
const BATCH_GRACE_MS = 100

export interface ResponderHooks {
  /** The app was rolled back (or its rollback was resumed): judge it afresh from now on. */
  rolledBack(app: string): Promise<void>
  /** How long (ms, from the first decision) the queued apps' batch may wait for an app of higher priority. */
  holdFor?(queued: readonly ResolvedApp[]): number
}

/**
 * Carries decisions out. `alert` records a pending rollback a person runs with one command; `escalate`
 * declares an incident (recovery/declare-incident.ts); `rollback` runs the skeleton's rollback unchanged
 * (journal, lock, validation, audit) as the monitor's actor, where the decision matrix lets it (matrix-gate.ts: a
 * row that wants an approval makes it a request, a flagged row's run is reviewed). Rollbacks are serialised: one
 * run at a time, decisions that arrive meanwhile wait and then go together in priority order. A rollback that does
 * not restore the app escalates.
 */
export class Responder {
  private queue = new Map<string, Firing>()
  private running: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private readonly busyApps = new Set<string>()
  private readonly identity: Identity

  /** `stop` aborted: no new run starts, and the one under way ends at its next step boundary, journaled. */
  constructor(
    private readonly p: Platform,
    private readonly bus: EventBus,
    private readonly actor: string,
    private readonly hooks: ResponderHooks,
    private readonly stop: AbortSignal,
  ) {
    this.identity = monitorIdentity(actor)
  }

  /** The app is being rolled back or waits for it: its probes would only measure the rollback. */
  busy(app: string): boolean {
    return this.busyApps.has(app)
  }

  async respond(f: Firing): Promise<void> {
    await this.bus.emit({
      type: 'decision',
      app: f.app.name,
      trigger: f.trigger.name,
      message: `${f.decision.action}: ${f.decision.why}`,
      data: { action: f.decision.action, detail: f.detail },
    })
    if (f.decision.action === 'alert') return this.alert(f)
    if (f.decision.action === 'escalate') return this.escalate(f.app.name, f.decision.why, { trigger: f.trigger.name, detail: f.detail })
    if (this.queue.has(f.app.name) || this.busyApps.has(f.app.name)) return
    this.queue.set(f.app.name, f)
    this.busyApps.add(f.app.name)
    await this.bus.emit({
      type: 'rollback.queued',
      app: f.app.name,
      trigger: f.trigger.name,
      message: `rollback of ${f.app.name} queued`,
      outcome: 'started',
    })
    this.schedule()
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running || this.timer || this.queue.size > 0) {
      if (this.running) await this.running
      else await new Promise((r) => setTimeout(r, 10))
    }
  }

  private schedule(): void {
    if (this.running || this.timer) return
    const first = Date.now()
    const tick = () => {
      this.timer = null
      const hold = this.stop.aborted ? 0 : (this.hooks.holdFor?.([...this.queue.values()].map((f) => f.app)) ?? 0)
      if (Date.now() - first < hold) {
        this.timer = setTimeout(tick, BATCH_GRACE_MS)
        return
      }
      this.running = this.flush().finally(() => {
        this.running = null
        if (this.queue.size > 0) this.schedule()
      })
    }
    this.timer = setTimeout(tick, BATCH_GRACE_MS)
  }

  private async flush(): Promise<void> {
    const batch = [...this.queue.values()].sort((a, b) => a.app.priority - b.app.priority)
    this.queue.clear()
    try {
      const plans: AppPlan[] = []
      const planned: Firing[] = []
      const decisions: MatrixDecision[] = []
      for (const f of batch) {
        if (this.stop.aborted) {
          await this.bus.emit({
            type: 'rollback.skipped',
            app: f.app.name,
            trigger: f.trigger.name,
            message: 'the monitor is stopping; the next monitor judges the app again',
            data: {},
          })
          continue
        }
        // Only a run that restored something (or still runs) answers a condition that began before it; one that
        // failed, was abandoned, superseded or never started answered nothing.
        const answered = await latestRun(this.p.state.db, f.app.name)
        if (answered && (answered.status === 'succeeded' || answered.status === 'running') && Date.parse(answered.started_at) >= f.since) {
          await this.bus.emit({
            type: 'rollback.skipped',
            app: f.app.name,
            trigger: f.trigger.name,
            message: `rollback ${answered.id} began after the condition did; judging ${f.app.name} afresh from now`,
            data: { run: answered.id },
          })
          await this.hooks.rolledBack(f.app.name)
          continue
        }
        let plan: RollbackPlan
        try {
          plan = await this.plan(f.app)
        } catch (err) {
          await this.escalate(f.app.name, `automatic rollback cannot be planned: ${redact(messageOf(err))}`, {
            trigger: f.trigger.name,
          })
          continue
        }
        const decision = decidePlan(this.p.config, plan, { by: 'trigger', trigger: f.trigger })
        if (decision.approval.required) {
          await askInstead(this.p, this.bus, this.identity, f, plan, decision).catch((err: unknown) =>
            this.escalate(f.app.name, `the approval its rollback needs could not be asked for: ${redact(messageOf(err))}`, {
              trigger: f.trigger.name,
            }),
          )
          continue
        }
        plans.push(...plan.apps)
        planned.push(f)
        decisions.push(decision)
      }
      if (plans.length === 0) return
      const reason = planned.map((f) => `trigger ${f.trigger.name} of ${f.app.name} fired: ${f.detail}`).join('; ')
      const decision = batchDecision(decisions)
      let report: RollbackReport
      try {
        report = await runRollback(this.p, { apps: plans }, { actor: this.actor, reason, stop: this.stop, decision })
      } catch (err) {
        for (const f of planned)
          await this.escalate(f.app.name, `automatic rollback could not run: ${redact(messageOf(err))}`, {
            trigger: f.trigger.name,
          })
        return
      }
      await this.finished(report, new Map(planned.map((f) => [f.app.name, f.trigger.name])))
      await reviewIfFlagged(this.p, this.bus, this.identity, decision, report)
    } finally {
      for (const f of batch) this.busyApps.delete(f.app.name)
    }
  }

  /** After an automatic run (new or resumed): cooldown for what was restored, escalation for the rest. */
  async finished(report: RollbackReport, triggers: Map<string, string>): Promise<void> {
    await recordRunOnIncidents(this.p, report)
    if (report.stopped) {
      const what =
        report.status === 'interrupted'
          ? 'journaled; the next monitor resumes it'
          : 'it had changed nothing, so it is recorded as not started'
      await this.bus.emit({
        type: 'rollback.interrupted',
        app: report.apps.map((a) => a.app).join(','),
        outcome: 'failure',
        message: `rollback ${report.run} ${report.stopped.why} ${report.stopped.at}: ${what}`,
        data: { run: report.run, status: report.status, stoppedAt: report.stopped.at },
      })
      return
    }
    for (const a of report.apps) {
      const trigger = triggers.get(a.app)
      if (a.outcome === 'restored') {
        const before = await loadCooldown(this.p.state.db, a.app)
        const now = Date.now()
        const inRow = before.cooldownUntil !== null && now < before.cooldownUntil ? before.automaticRollbacks + 1 : 1
        await saveCooldown(
          this.p.state,
          a.app,
          { cooldownUntil: now + this.p.config.monitor.cooldownMs, automaticRollbacks: inRow },
          report.run,
        )
        await this.hooks.rolledBack(a.app)
        await this.bus.emit({
          type: 'rollback.done',
          app: a.app,
          ...(trigger ? { trigger } : {}),
          at: Date.parse(report.endedAt),
          message: `${a.app} rolled back to ${a.target} (${Object.entries(a.to)
            .map(([c, v]) => `${c}=${v}`)
            .join(', ')}) and validated; cooldown ${Math.round(this.p.config.monitor.cooldownMs / 1000)} s`,
          data: {
            run: report.run,
            target: a.target,
            from: a.from,
            to: a.to,
            startedAt: report.startedAt,
            endedAt: report.endedAt,
            durationMs: report.durationMs,
            validation: a.validation?.outcome ?? null,
            // When this app's own validation passed: in a run of several apps, each is healthy before the next starts.
            validatedAt: report.steps.filter((s) => s.app === a.app && s.name === 'validate').at(-1)?.endedAt ?? report.endedAt,
          },
        })
      } else {
        await this.bus.emit({
          type: 'rollback.done',
          app: a.app,
          ...(trigger ? { trigger } : {}),
          outcome: 'failure',
          at: Date.parse(report.endedAt),
          message: `automatic rollback of ${a.app} ${a.outcome}: ${a.error ?? ''}`,
          data: { run: report.run, outcome: a.outcome, startedAt: report.startedAt, endedAt: report.endedAt },
        })
        await this.escalate(a.app, `automatic rollback ${report.run} ${a.outcome}: ${a.error ?? 'no detail'}`, {
          run: report.run,
          ...(trigger ? { trigger } : {}),
        })
      }
    }
  }

  /** An automatic rollback's plan of one app, to its last known good, within the app's rollback timeout. */
  private plan(app: ResolvedApp): Promise<RollbackPlan> {
    return planRollback(this.p, { apps: [app], signal: timeoutSignal(app.rollback.timeoutMs) })
  }

  private async alert(f: Firing): Promise<void> {
    let target: string | null = null
    let why = ''
    try {
      const plan = await this.plan(f.app)
      target = plan.apps[0]!.target.id
    } catch (err) {
      why = ` (no rollback can be planned now: ${redact(messageOf(err))})`
    }
    const { pending, existing } = await recordPendingRollback(this.p.state, {
      app: f.app.name,
      trigger: f.trigger.name,
      target,
      reason: `trigger ${f.trigger.name} fired: ${f.detail}`,
    })
    const command = `lastgood rollback --pending ${pending.id} --yes`
    await this.bus.emit({
      type: 'alert.recorded',
      app: f.app.name,
      trigger: f.trigger.name,
      message: existing
        ? `pending rollback ${pending.id} of ${f.app.name} is still open; run it with \`${command}\``
        : `pending rollback ${pending.id} of ${f.app.name}${target ? ` to ${target}` : ''} recorded${why}; run it with \`${command}\``,
      data: { pending: pending.id, target, command, existing },
    })
  }

  private async escalate(app: string, reason: string, details: Record<string, unknown>): Promise<void> {
    // The same path as `lastgood incident declare`: level 1, its channels, the timeline. No runbook: the
    // monitor has done what it could; an open incident of the app gets the report on its timeline instead.
    const { incident, existing, unheard } = await declareIncident(this.p, {
      type: 'critical_application_failure',
      scope: [app],
      reason,
      actor: this.actor,
      details,
      dedupe: true,
      runRunbook: false,
    })
    await this.bus.emit({
      type: 'escalation.recorded',
      app,
      outcome: 'failure',
      message:
        (existing ? `${app} already has open incident ${incident.id}: ${reason}` : `incident ${incident.id} opened for ${app}: ${reason}`) +
        (unheard ? `; ${unheard}` : ''),
      data: { incident: incident.id, existing, ...details, ...(unheard ? { unheard } : {}) },
    })
  }
}
