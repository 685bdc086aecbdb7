import { redact } from '../core/redact.js'
import { timeoutSignal } from '../core/timers.js'
import { valueText } from '../core/value-text.js'
import type { Platform } from '../platform/platform.js'
import { providerFor } from '../providers/registry.js'
import type { RestoreResult } from '../providers/provider.js'
import { createSnapshot, loadManifest, providerContext } from '../snapshots/create-snapshot.js'
import { findSnapshot, fromSnapshotRow, type SnapshotRecord } from '../snapshots/snapshot-record.js'
import { type Journal, PriorStepFailed, RunInterrupted, StepFailed } from './journal.js'
import type { AppPlan } from './plan-rollback.js'
import type { AppReport } from './rollback-report.js'
import { type ValidationResult, validateHealth } from '../health/validate-health.js'
import { messageOf } from '../core/errors.js'

export interface Actor {
  reason: string
  actor: string
}

/**
 * One app of a run: verify the target, take a safety snapshot, restore each component, validate; on a
 * failed restore or validation, put the safety snapshot back. Every step goes through `journal.once`, so the
 * same code finishes a resumed run: what took effect before is not done again (the safety snapshot of the
 * first attempt is the one a revert restores, never a snapshot of a half-rolled-back state), the step that
 * was interrupted is redone, and an earlier failure leads down the same path it led then.
 */
export async function rollbackApp(p: Platform, journal: Journal, plan: AppPlan, opts: Actor, deadline: AbortSignal): Promise<AppReport> {
  const { app, target } = plan
  const report: AppReport = {
    app: app.name,
    target: target.id,
    safety: null,
    outcome: 'failed',
    validation: null,
    error: null,
    from: Object.fromEntries(plan.components.map((c) => [c.component.name, c.from])),
    to: Object.fromEntries(plan.components.map((c) => [c.component.name, c.manifest.version])),
    restorePaths: {},
  }
  // Steps that only read (verify, the safety snapshot, validation) stop at once on a stop signal; a restore
  // in progress finishes (bounded by the deadline), since cutting it past its switch point helps nobody.
  const stop = journal.stop ?? new AbortController().signal
  const reading = AbortSignal.any([deadline, stop])
  const cut =
    <T>(fn: () => Promise<T>) =>
    async (): Promise<T> => {
      try {
        return await fn()
      } catch (err) {
        throw stop.aborted ? new RunInterrupted(stop) : err
      }
    }
  // Nothing has changed until the safety snapshot exists, so failures up to there need no revert.
  try {
    await journal.once(
      app.name,
      'verify',
      null,
      cut(async () => {
        const v = await p.repository.verify({ snapshotIds: [target.id], readData: true })
        if (!v.ok) throw new Error(`snapshot ${target.id} is damaged: ${v.problems.map((x) => `${x.object}: ${x.message}`).join('; ')}`)
        return { value: undefined, detail: { blobs: v.checked.blobs, bytesRead: v.checked.bytesRead } }
      }),
      () => undefined,
    )
    const safety = await journal.once(
      app.name,
      'safety-snapshot',
      null,
      cut(async () => {
        const label = safetyLabel(journal.runId)
        // Killed after the snapshot was committed but before its step was recorded: adopt it, never take a
        // second one (which would capture whatever the first attempt had already changed).
        const adopted = await findSafetySnapshot(p, app.name, label)
        const s =
          adopted ??
          (await createSnapshot(p, app, {
            kind: 'safety',
            label,
            actor: opts.actor,
            reason: `before rollback ${journal.runId}: ${opts.reason}`,
            signal: reading,
            components: plan.components.map((c) => c.component.name),
          }))
        return { value: s, detail: { snapshot: s.id, ...(adopted ? { adopted: true } : {}) } }
      }),
      async (done) => {
        const s = await findSnapshot(p.state.db, valueText(done.detail?.snapshot))
        if (!s || s.prunedAt)
          throw new Error(`the safety snapshot ${valueText(done.detail?.snapshot)} of this run is gone; nothing to revert to`)
        return s
      },
    )
    report.safety = safety.id
    const attempted: string[] = []
    try {
      for (const c of plan.components) {
        attempted.push(c.component.name)
        const result = await journal.once(
          app.name,
          'restore',
          c.component.name,
          async () => {
            const r = await providerFor(c.component).restore(c.component, c.manifest, providerContext(p, app, c.component, deadline))
            return { value: r, detail: { from: c.from, to: c.manifest.version, path: r.path } }
          },
          (done) => ({ path: done.detail?.path as RestoreResult['path'] }),
        )
        report.restorePaths[c.component.name] = result.path
      }
      const validation = await journal.once(
        app.name,
        'validate',
        null,
        cut(async () => {
          const v = await validateHealth(app, reading)
          if (v.outcome === 'failed') throw stop.aborted ? new RunInterrupted(stop) : new ValidationFailed(v)
          return { value: v, status: v.outcome === 'unchecked' ? 'skipped' : 'succeeded', detail: { ...v } }
        }),
        (done) => done.detail as unknown as ValidationResult,
      )
      report.validation = validation
      report.outcome = 'restored'
      return report
    } catch (err) {
      if (err instanceof RunInterrupted) throw err
      if (err instanceof ValidationFailed) report.validation = err.result
      if (err instanceof PriorStepFailed && err.record.name === 'validate' && err.record.detail)
        report.validation = err.record.detail as unknown as ValidationResult
      report.error = redact(deadline.aborted ? `rollback timed out after ${app.rollback.timeoutMs} ms` : messageOf(err))
      report.outcome = (await revert(p, journal, plan, safety, attempted)) ? 'reverted' : 'failed'
      return report
    }
  } catch (err) {
    if (err instanceof RunInterrupted) throw err
    report.error ??= redact(messageOf(err))
    return report
  }
}

/**
 * Puts the safety snapshot back for every component whose restore was attempted (a restore that failed
 * after its switch point, say in its restart, has changed the component too), last first. Returns whether
 * health came back.
 */
async function revert(p: Platform, journal: Journal, plan: AppPlan, safety: SnapshotRecord, attempted: string[]): Promise<boolean> {
  const { app } = plan
  // The run's deadline may be what failed: the revert gets a fresh one of the same length.
  const signal = timeoutSignal(app.rollback.timeoutMs)
  try {
    for (const name of [...attempted].reverse()) {
      const c = plan.components.find((x) => x.component.name === name)!.component
      const entry = safety.components.find((x) => x.name === name)!
      await journal.once(
        app.name,
        'revert',
        name,
        async () => {
          const m = await loadManifest(p, entry.manifest)
          const r = await providerFor(c).restore(c, m, providerContext(p, app, c, signal))
          return { value: r, detail: { to: m.version, snapshot: safety.id, path: r.path } }
        },
        () => undefined,
      )
    }
    const v = await journal.once(
      app.name,
      'revert-validate',
      null,
      async () => {
        const result = await validateHealth(app, signal)
        return {
          value: result,
          status: result.outcome === 'passed' ? 'succeeded' : result.outcome === 'unchecked' ? 'skipped' : 'failed',
          detail: { ...result },
        }
      },
      (done) => done.detail as unknown as ValidationResult,
    )
    return v.outcome !== 'failed'
  } catch (err) {
    if (err instanceof RunInterrupted) throw err
    return false
  }
}

export function notStarted(plan: AppPlan): AppReport {
  return {
    app: plan.app.name,
    target: plan.target.id,
    safety: null,
    outcome: 'not-started',
    validation: null,
    restorePaths: {},
    error: 'not started: an app earlier in recovery priority did not recover',
    from: Object.fromEntries(plan.components.map((c) => [c.component.name, c.from])),
    to: Object.fromEntries(plan.components.map((c) => [c.component.name, c.manifest.version])),
  }
}

/** The label that ties a safety snapshot to its run, so a resume can find one its step did not record. */
function safetyLabel(runId: string): string {
  return `before ${runId}`
}

async function findSafetySnapshot(p: Platform, app: string, label: string): Promise<SnapshotRecord | undefined> {
  const row = await p.state.db
    .selectFrom('snapshots')
    .selectAll()
    .where('app', '=', app)
    .where('kind', '=', 'safety')
    .where('label', '=', label)
    .where('pruned_at', 'is', null)
    .orderBy('created_at', 'asc')
    .executeTakeFirst()
  return row ? fromSnapshotRow(row) : undefined
}

class ValidationFailed extends StepFailed {
  constructor(readonly result: ValidationResult) {
    const last = result.lastRound?.probes
      .filter((x) => !x.ok)
      .map((x) => `${x.check}: ${x.error}`)
      .join('; ')
    super(
      `validation failed: ${result.consecutivePasses} consecutive passes after ${result.rounds} rounds in ${result.elapsedMs} ms${last ? ` (${last})` : ''}`,
      { ...result },
    )
  }
}
