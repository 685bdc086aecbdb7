import type { AuditInput } from '../audit/audit-event.js'
import type { Decision } from '../decisions/decide.js'
import { timeId } from '../core/clock.js'
import { timeoutSignal } from '../core/timers.js'
import type { Platform } from '../platform/platform.js'
import { rejectMovedAway } from '../snapshots/rejected-releases.js'
import { changedAnything } from './close-run.js'
import { Journal, RunInterrupted } from './journal.js'
import { persistPlan } from './persisted-plan.js'
import type { RollbackPlan } from './plan-rollback.js'
import type { ResumePlan } from './plan-resume.js'
import { type Actor, notStarted, rollbackApp } from './rollback-app.js'
import type { AppReport, RollbackReport } from './rollback-report.js'
import { describeStop } from './step-record.js'
import { stoppedByStorage } from './storage-stop.js'
import { acquireTargetLock } from './target-lock.js'
import { refuseUnfinishedRuns, requireUnfinished } from './unfinished-run.js'
import { watchersAfter } from './watchers.js'

export type { AppOutcome, AppReport, RollbackReport } from './rollback-report.js'

/**
 * Applies a plan: one lock over every app, then per app in priority order: verify the target, take a
 * safety snapshot, restore each component, validate. A restore or validation that fails puts the safety
 * snapshot back and stops the run (later apps are not started). An app restored marks the release versions
 * it moved away from rejected (snapshots/rejected-releases.ts). The whole run has one deadline: the
 * largest rollback timeout of its apps. The plan is recorded with the run, so a run that is killed can be
 * resumed as planned (resumeRollback).
 */
export async function runRollback(p: Platform, plan: RollbackPlan, opts: RunOptions): Promise<RollbackReport> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const runId = timeId('rb')
  const appNames = plan.apps.map((a) => a.app.name)
  // Checked again under the lock: an unfinished run of these apps must be resumed or abandoned first.
  const lock = await acquireTargetLock(
    p.state,
    appNames.map((n) => `app:${n}`),
    runId,
    opts.actor,
    { guard: (tx) => refuseUnfinishedRuns(tx, appNames, { actor: opts.actor, reason: opts.reason, run: runId }) },
  )
  let stopped: unknown
  try {
    const journal = await Journal.begin(
      p.state,
      lock,
      { apps: appNames, reason: opts.reason, actor: opts.actor, plan: persistPlan(plan) },
      {
        actor: opts.actor,
        action: 'rollback.start',
        target: appNames.join(','),
        reason: opts.reason,
        outcome: 'started',
        details: {
          run: runId,
          targets: Object.fromEntries(plan.apps.map((a) => [a.app.name, a.target.id])),
          ...(opts.decision ? { decision: opts.decision } : {}),
          ...opts.authority,
        },
      },
    )
    return await execute(p, journal, plan, opts, { started, startedAt, reason: opts.reason, actor: opts.actor }).catch(
      async (err: unknown) => {
        throw (stopped = await stoppedByStorage(p, journal, plan, { ...opts, startedAt, started }, err))
      },
    )
  } finally {
    // A run that stopped says what it left; a lock the same failing disk will not release is stale once this
    // process exits, and is recognised as such.
    await lock.release().catch((err: unknown) => {
      if (stopped === undefined) throw err
    })
  }
}

/**
 * Finishes an unfinished run under the same run id and journal: takes its stale lock over (audited), marks
 * the step that was running when it died `interrupted`, records `rollback.resume`, and runs the rest of the
 * plan. Steps that took effect are not repeated; the interrupted step and validation are redone; a revert
 * restores the safety snapshot the first attempt took. The deadline starts afresh.
 */
export async function resumeRollback(p: Platform, resume: ResumePlan, opts: RunOptions): Promise<RollbackReport> {
  const started = performance.now()
  const { run, plan } = resume
  const appNames = plan.apps.map((a) => a.app.name)
  const lock = await acquireTargetLock(
    p.state,
    appNames.map((n) => `app:${n}`),
    run.id,
    opts.actor,
    { guard: async (tx) => void (await requireUnfinished(tx, run.id, 'resume')) },
  )
  try {
    const resumedAt = new Date().toISOString()
    const journal = await Journal.resume(p.state, lock, (steps) => ({
      actor: opts.actor,
      action: 'rollback.resume',
      target: appNames.join(','),
      reason: opts.reason,
      outcome: 'started',
      details: {
        run: run.id,
        stoppedAt: describeStop(steps),
        previousOwner: { host: run.owner_host, pid: run.owner_pid },
        startedBy: run.actor,
        startedAt: run.started_at,
      },
    }))
    return await execute(p, journal, plan, opts, {
      started,
      startedAt: run.started_at,
      reason: run.reason,
      actor: run.actor,
      resumed: { actor: opts.actor, reason: opts.reason, at: resumedAt },
    })
  } finally {
    await lock.release()
  }
}

/**
 * A stop signal ended the run at a step boundary: journaled where it stopped. A run that changed nothing yet (no
 * restore or revert began, in any attempt) is closed as `not-started`; any other stays `interrupted`, unfinished,
 * for --resume (or the monitor that started it) to finish as planned.
 */
async function interrupted(
  journal: Journal,
  plan: RollbackPlan,
  opts: RunOptions,
  facts: RunFacts,
  done: AppReport[],
  err: RunInterrupted,
): Promise<RollbackReport> {
  const changed = changedAnything(journal.steps)
  const status = changed ? 'interrupted' : 'not-started'
  const at = describeStop(journal.steps)
  const cut = journal.steps.at(-1)?.app
  const apps = plan.apps.map(
    (a) =>
      done.find((r) => r.app === a.app.name) ?? {
        ...notStarted(a),
        outcome: changed && a.app.name === cut ? ('interrupted' as const) : ('not-started' as const),
        error: `${err.message} ${at}`,
      },
  )
  const report: RollbackReport = {
    run: journal.runId,
    status,
    stopped: { at, why: err.message },
    reason: facts.reason,
    actor: facts.actor,
    startedAt: facts.startedAt,
    ...(facts.resumed ? { resumed: facts.resumed } : {}),
    endedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - facts.started),
    apps,
    steps: journal.steps,
  }
  await journal.finish(status, report, {
    actor: opts.actor,
    action: 'rollback.interrupt',
    target: apps.map((a) => a.app).join(','),
    reason: opts.reason,
    outcome: 'failure',
    details: { run: journal.runId, status, stoppedAt: at, why: err.message },
  })
  return report
}

interface RunFacts {
  started: number
  startedAt: string
  /** The run's own reason and actor, as it began. */
  reason: string
  actor: string
  resumed?: RollbackReport['resumed']
}

/**
 * Who runs it and why; `stop` (a SIGINT or SIGTERM, its name as the reason) ends it at the next step boundary;
 * `decision`, what the decision matrix said about it, is recorded with its start, and so is `authority`: what
 * let it run without an approval being asked for now (`approval`, or `breakGlass: true` with its grant).
 */
export type RunOptions = Actor & { stop?: AbortSignal; decision?: Decision; authority?: Record<string, unknown> }

async function execute(p: Platform, journal: Journal, plan: RollbackPlan, opts: RunOptions, facts: RunFacts): Promise<RollbackReport> {
  const runId = journal.runId
  const appNames = plan.apps.map((a) => a.app.name)
  const deadline = timeoutSignal(Math.max(...plan.apps.map((a) => a.app.rollback.timeoutMs)))
  journal.stop = opts.stop
  const reports: AppReport[] = []
  for (const appPlan of plan.apps) {
    const failedBefore = reports.some((r) => r.outcome !== 'restored')
    let report: AppReport
    try {
      report = failedBefore ? notStarted(appPlan) : await rollbackApp(p, journal, appPlan, opts, deadline)
    } catch (err) {
      if (!(err instanceof RunInterrupted)) throw err
      return interrupted(journal, plan, opts, facts, reports, err)
    }
    reports.push(report)
    await journal.recordApp(
      appPlan.app.name,
      {
        actor: opts.actor,
        action: 'rollback.app',
        target: appPlan.app.name,
        reason: opts.reason,
        outcome: report.outcome === 'restored' ? 'success' : 'failure',
        details: {
          run: runId,
          outcome: report.outcome,
          target: report.target,
          safety: report.safety,
          from: report.from,
          to: report.to,
          error: report.error,
        },
      },
      report.outcome === 'restored'
        ? (tx) =>
            rejectMovedAway(tx, { app: report.app, run: runId, from: report.from, to: report.to, actor: opts.actor, reason: opts.reason })
        : undefined,
    )
  }
  const status = reports.every((r) => r.outcome === 'restored') ? 'succeeded' : 'failed'
  const report: RollbackReport = {
    run: runId,
    status,
    reason: facts.reason,
    actor: facts.actor,
    startedAt: facts.startedAt,
    ...(facts.resumed ? { resumed: facts.resumed } : {}),
    endedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - facts.started),
    apps: reports,
    steps: journal.steps,
    watchers: await watchersAfter(p, appNames),
  }
  const finish: AuditInput = {
    actor: opts.actor,
    action: 'rollback.finish',
    target: appNames.join(','),
    reason: opts.reason,
    outcome: status === 'succeeded' ? 'success' : 'failure',
    details: {
      run: runId,
      durationMs: report.durationMs,
      outcomes: Object.fromEntries(reports.map((r) => [r.app, r.outcome])),
      ...(facts.resumed ? { resumed: true } : {}),
    },
  }
  await journal.finish(status, report, finish)
  return report
}
