import { parsePersistedPlan } from '../rollback/persisted-plan.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import { loadSteps, type StepRecord } from '../rollback/step-record.js'
import type { StateDb } from '../state/open-state.js'

/** One app in one rollback run of an incident. */
export interface AppRecovery {
  app: string
  /** null: no run was needed (already healthy) or could start (no target). */
  run: string | null
  /**
   * The run's app outcome (restored, reverted, failed, not-started) once the run ended; while it has not,
   * the run's own status (running, interrupted, abandoned); without a run, the recover step's outcome
   * (already-healthy, failed).
   */
  outcome: string
  /** Version per component before the run, and the version restored. */
  from: Record<string, string>
  to: Record<string, string>
  /** The snapshot the run restores. */
  target: string | null
  startedAt: string | null
  /** When its health validation passed (or was skipped for an app without checks); null if it never did. */
  validatedAt: string | null
  error: string | null
}

export interface RunSummary {
  run: string
  status: string
  actor: string
  reason: string
  startedAt: string
  endedAt: string | null
}

/**
 * The apps of the rollback runs an incident's timeline refers to, oldest run first. An ended run is read
 * from its report; an unfinished one from its recorded plan and journal, so a report drawn mid-recovery
 * shows what is under way. Runs that are not in the state (pruned by hand, a typo in a timeline entry) are
 * left out rather than failing the whole report.
 */
export async function loadAppRecoveries(db: StateDb, runIds: string[]): Promise<{ runs: RunSummary[]; apps: AppRecovery[] }> {
  if (runIds.length === 0) return { runs: [], apps: [] }
  const rows = await db.selectFrom('rollback_runs').selectAll().where('id', 'in', runIds).orderBy('started_at', 'asc').execute()
  const runs: RunSummary[] = []
  const apps: AppRecovery[] = []
  for (const r of rows) {
    runs.push({ run: r.id, status: r.status, actor: r.actor, reason: r.reason, startedAt: r.started_at, endedAt: r.ended_at })
    const steps = await loadSteps(db, r.id)
    if (r.report) apps.push(...fromReport(JSON.parse(r.report) as RollbackReport, steps))
    else apps.push(...fromPlan(r.id, r.status, r.plan, JSON.parse(r.apps) as string[], steps))
  }
  return { runs, apps }
}

/** Each app's latest attempt (apps in the order they started): a failed run followed by one that restored it is a recovery. */
export function latestPerApp(apps: AppRecovery[]): AppRecovery[] {
  return [...new Map(apps.map((a) => [a.app, a])).values()]
}

function fromReport(report: RollbackReport, steps: StepRecord[]): AppRecovery[] {
  return report.apps.map((a) => ({
    app: a.app,
    run: report.run,
    outcome: a.outcome,
    from: a.from,
    to: a.to,
    target: a.target,
    ...stepTimes(steps, a.app, a.outcome === 'restored'),
    error: a.error,
  }))
}

function fromPlan(run: string, status: string, planText: string | null, names: string[], steps: StepRecord[]): AppRecovery[] {
  const plan = planText ? parsePersistedPlan(planText) : undefined
  return names.map((app) => {
    const planned = plan?.apps.find((a) => a.app === app)
    const failed = steps.find((s) => s.app === app && s.error)
    return {
      app,
      run,
      outcome: status,
      from: Object.fromEntries((planned?.components ?? []).map((c) => [c.name, c.from])),
      to: {},
      target: planned?.target ?? null,
      ...stepTimes(steps, app, false),
      error: failed?.error ?? null,
    }
  })
}

function stepTimes(steps: StepRecord[], app: string, restored: boolean): { startedAt: string | null; validatedAt: string | null } {
  const mine = steps.filter((s) => s.app === app)
  const validate = mine.findLast((s) => s.name === 'validate' && (s.status === 'succeeded' || s.status === 'skipped'))
  return { startedAt: mine[0]?.startedAt ?? null, validatedAt: restored ? (validate?.endedAt ?? null) : null }
}
