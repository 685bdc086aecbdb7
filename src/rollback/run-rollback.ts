import { appendAudit } from '../audit/audit-log.js'
import { timeId } from '../core/clock.js'
import { redact } from '../core/redact.js'
import type { Platform } from '../platform/platform.js'
import { providerFor } from '../providers/registry.js'
import { createSnapshot, loadManifest, providerContext } from '../snapshots/create-snapshot.js'
import type { SnapshotRecord } from '../snapshots/snapshot-record.js'
import { Journal, type StepRecord } from './journal.js'
import type { AppPlan, RollbackPlan } from './plan-rollback.js'
import { acquireTargetLock } from './target-lock.js'
import { type ValidationResult, validateHealth } from './validate-health.js'

export type AppOutcome = 'restored' | 'reverted' | 'failed' | 'not-started'

export interface AppReport {
  app: string
  target: string
  safety: string | null
  outcome: AppOutcome
  from: Record<string, string>
  to: Record<string, string>
  restorePaths: Record<string, string>
  validation: ValidationResult | null
  error: string | null
}

export interface RollbackReport {
  run: string
  status: 'succeeded' | 'failed'
  reason: string
  actor: string
  startedAt: string
  endedAt: string
  durationMs: number
  apps: AppReport[]
  steps: StepRecord[]
}

/**
 * Applies a plan: one lock over every app, then per app in priority order: verify the target, take a
 * safety snapshot, restore each component, validate. A restore or validation that fails puts the safety
 * snapshot back and stops the run (later apps are not started). The whole run has one deadline: the
 * largest rollback timeout of its apps.
 */
export async function runRollback(p: Platform, plan: RollbackPlan, opts: { reason: string; actor: string }): Promise<RollbackReport> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const runId = timeId('rb')
  const appNames = plan.apps.map((a) => a.app.name)
  const lock = await acquireTargetLock(p.state, appNames.map((n) => `app:${n}`), runId, opts.actor)
  const reports: AppReport[] = []
  let journal: Journal | undefined
  try {
    journal = await Journal.begin(p.state, lock, { apps: appNames, reason: opts.reason, actor: opts.actor })
    await appendAudit(p.state, { actor: opts.actor, action: 'rollback.start', target: appNames.join(','), reason: opts.reason, outcome: 'started', details: { run: runId, targets: Object.fromEntries(plan.apps.map((a) => [a.app.name, a.target.id])) } })
    const deadline = AbortSignal.timeout(Math.max(...plan.apps.map((a) => a.app.rollback.timeoutMs)))
    for (const appPlan of plan.apps) {
      const failedBefore = reports.some((r) => r.outcome !== 'restored')
      const report = failedBefore ? notStarted(appPlan) : await rollbackApp(p, journal, appPlan, opts, deadline)
      reports.push(report)
      await appendAudit(p.state, {
        actor: opts.actor, action: 'rollback.app', target: appPlan.app.name, reason: opts.reason,
        outcome: report.outcome === 'restored' ? 'success' : 'failure',
        details: { run: runId, outcome: report.outcome, target: report.target, safety: report.safety, from: report.from, to: report.to, error: report.error },
      })
    }
    const status = reports.every((r) => r.outcome === 'restored') ? 'succeeded' : 'failed'
    const report: RollbackReport = {
      run: runId, status, reason: opts.reason, actor: opts.actor, startedAt, endedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started), apps: reports, steps: journal.steps,
    }
    await journal.finish(status, report)
    await appendAudit(p.state, { actor: opts.actor, action: 'rollback.finish', target: appNames.join(','), reason: opts.reason, outcome: status === 'succeeded' ? 'success' : 'failure', details: { run: runId, durationMs: report.durationMs, outcomes: Object.fromEntries(reports.map((r) => [r.app, r.outcome])) } })
    return report
  } finally {
    await lock.release()
  }
}

async function rollbackApp(p: Platform, journal: Journal, plan: AppPlan, opts: { reason: string; actor: string }, deadline: AbortSignal): Promise<AppReport> {
  const { app, target } = plan
  const report: AppReport = {
    app: app.name, target: target.id, safety: null, outcome: 'failed', validation: null, error: null,
    from: Object.fromEntries(plan.components.map((c) => [c.component.name, c.current.version])),
    to: Object.fromEntries(plan.components.map((c) => [c.component.name, c.manifest.version])),
    restorePaths: {},
  }
  // Nothing has changed until the safety snapshot exists, so failures up to there need no revert.
  try {
    await journal.step(app.name, 'verify', null, async () => {
      const v = await p.repository.verify({ snapshotIds: [target.id], readData: true })
      if (!v.ok) throw new Error(`snapshot ${target.id} is damaged: ${v.problems.map((x) => `${x.object}: ${x.message}`).join('; ')}`)
      return { value: undefined, detail: { blobs: v.checked.blobs, bytesRead: v.checked.bytesRead } }
    })
    const safety = await journal.step(app.name, 'safety-snapshot', null, async () => {
      const s = await createSnapshot(p, app, { kind: 'safety', actor: opts.actor, reason: `before rollback ${journal.runId}: ${opts.reason}`, signal: deadline, components: plan.components.map((c) => c.component.name) })
      return { value: s, detail: { snapshot: s.id } }
    })
    report.safety = safety.id
    const restored: string[] = []
    try {
      for (const c of plan.components) {
        const result = await journal.step(app.name, 'restore', c.component.name, async () => {
          const r = await providerFor(c.component).restore(c.component, c.manifest, providerContext(p, app, c.component, deadline))
          return { value: r, detail: { from: c.current.version, to: c.manifest.version, path: r.path } }
        })
        restored.push(c.component.name)
        report.restorePaths[c.component.name] = result.path
      }
      const validation = await journal.step(app.name, 'validate', null, async () => {
        const v = await validateHealth(app, deadline)
        if (v.outcome === 'failed') throw new ValidationFailed(v)
        return { value: v, status: v.outcome === 'unchecked' ? 'skipped' : 'succeeded', detail: { ...v } }
      })
      report.validation = validation
      report.outcome = 'restored'
      return report
    } catch (err) {
      if (err instanceof ValidationFailed) report.validation = err.result
      report.error = redact(deadline.aborted ? `rollback timed out after ${app.rollback.timeoutMs} ms` : (err as Error).message)
      report.outcome = (await revert(p, journal, plan, safety, restored)) ? 'reverted' : 'failed'
      return report
    }
  } catch (err) {
    report.error ??= redact((err as Error).message)
    return report
  }
}

/** Puts the safety snapshot back for the components already restored. Returns whether health came back. */
async function revert(p: Platform, journal: Journal, plan: AppPlan, safety: SnapshotRecord, restored: string[]): Promise<boolean> {
  const { app } = plan
  // The run's deadline may be what failed: the revert gets a fresh one of the same length.
  const signal = AbortSignal.timeout(app.rollback.timeoutMs)
  try {
    for (const name of [...restored].reverse()) {
      const c = plan.components.find((x) => x.component.name === name)!.component
      const entry = safety.components.find((x) => x.name === name)!
      await journal.step(app.name, 'revert', name, async () => {
        const m = await loadManifest(p, entry.manifest)
        const r = await providerFor(c).restore(c, m, providerContext(p, app, c, signal))
        return { value: r, detail: { to: m.version, snapshot: safety.id, path: r.path } }
      })
    }
    const v = await journal.step(app.name, 'revert-validate', null, async () => {
      const result = await validateHealth(app, signal)
      return { value: result, status: result.outcome === 'passed' ? 'succeeded' : result.outcome === 'unchecked' ? 'skipped' : 'failed', detail: { ...result } }
    })
    return v.outcome !== 'failed'
  } catch {
    return false
  }
}

function notStarted(plan: AppPlan): AppReport {
  return {
    app: plan.app.name, target: plan.target.id, safety: null, outcome: 'not-started', validation: null, restorePaths: {},
    error: 'not started: an app earlier in recovery priority did not recover',
    from: Object.fromEntries(plan.components.map((c) => [c.component.name, c.current.version])),
    to: Object.fromEntries(plan.components.map((c) => [c.component.name, c.manifest.version])),
  }
}

class ValidationFailed extends Error {
  constructor(readonly result: ValidationResult) {
    const last = result.lastRound?.probes.filter((x) => !x.ok).map((x) => `${x.check}: ${x.error}`).join('; ')
    super(`validation failed: ${result.consecutivePasses} consecutive passes after ${result.rounds} rounds in ${result.elapsedMs} ms${last ? ` (${last})` : ''}`)
  }
}
