import { RefusedError, UserError } from '../core/errors.js'
import type { StateDb } from '../state/open-state.js'
import type { RollbackRunTable } from '../state/schema.js'
import { changedAnything, closeDeadRunIn } from './close-run.js'
import { describeStop, loadSteps, type StepRecord } from './step-record.js'
import { lockStaleness } from './target-lock.js'

/**
 * A run stopped without finishing when it is `interrupted` (a takeover marked it), or `running` while no
 * live lock backs it (its process died, or stopped renewing). Only a person decides what happens next:
 * `--resume` finishes it as planned, `--abandon` gives it up. Until then a new rollback of its apps is refused.
 */
export interface UnfinishedRun {
  run: RollbackRunTable
  steps: StepRecord[]
  /** `at restore release-b (staff, step 6)`, `after verify (staff, step 2, succeeded)`, … */
  stoppedAt: string
}

export async function findRun(db: StateDb, id: string): Promise<RollbackRunTable | undefined> {
  return db.selectFrom('rollback_runs').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The newest run that included app. */
export async function latestRun(db: StateDb, app: string): Promise<RollbackRunTable | undefined> {
  return db
    .selectFrom('rollback_runs')
    .selectAll()
    .where('apps', 'like', `%${JSON.stringify(app)}%`)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/**
 * The newest run of each of `apps` that has one, in two queries however many apps and runs there are: the
 * runs' app lists (newest first) to find each app's latest, then those runs whole.
 */
export async function latestRuns(db: StateDb, apps: readonly string[]): Promise<Map<string, RollbackRunTable>> {
  const wanted = new Set(apps)
  const latestOf = new Map<string, string>()
  const runs = await db.selectFrom('rollback_runs').select(['id', 'apps']).orderBy('started_at', 'desc').orderBy('id', 'desc').execute()
  for (const r of runs) {
    for (const app of JSON.parse(r.apps) as string[]) if (wanted.has(app) && !latestOf.has(app)) latestOf.set(app, r.id)
    if (latestOf.size === wanted.size) break
  }
  if (latestOf.size === 0) return new Map()
  const rows = await db
    .selectFrom('rollback_runs')
    .selectAll()
    .where('id', 'in', [...new Set(latestOf.values())])
    .execute()
  const byId = new Map(rows.map((r) => [r.id, r]))
  return new Map([...latestOf].map(([app, id]) => [app, byId.get(id)!]))
}

export async function isUnfinished(db: StateDb, run: RollbackRunTable, now = Date.now()): Promise<boolean> {
  if (run.status === 'interrupted') return true
  if (run.status !== 'running') return false
  const locks = await db.selectFrom('locks').selectAll().where('run_id', '=', run.id).execute()
  return locks.length === 0 || locks.some((l) => lockStaleness(l, now) !== null)
}

/** The latest run of app, when it stopped without finishing; undefined otherwise. */
export async function findUnfinishedRun(db: StateDb, app: string): Promise<UnfinishedRun | undefined> {
  const run = await latestRun(db, app)
  return run ? unfinishedOf(db, run) : undefined
}

/** The run as an UnfinishedRun when it stopped without finishing; undefined otherwise. */
export async function unfinishedOf(db: StateDb, run: RollbackRunTable): Promise<UnfinishedRun | undefined> {
  if (!(await isUnfinished(db, run))) return undefined
  const steps = await loadSteps(db, run.id)
  return { run, steps, stoppedAt: describeStop(steps) }
}

/**
 * Refuses (exit 3) to start a new rollback of apps whose latest run stopped unfinished after it began changing
 * them: its safety snapshot would capture a half-rolled-back state, and its plan would be made against one. A
 * run that died before any restore began changed nothing, so it blocks nobody: given `closeAs` (inside the new
 * run's lock transaction) it is closed as `not-started`, audited, and protection goes on. A run recorded before
 * runs kept their plan (state migration 0002) cannot be resumed, so it is taken over as it was before.
 */
export async function refuseUnfinishedRuns(
  db: StateDb,
  apps: string[],
  closeAs?: { actor: string; reason: string; run: string },
): Promise<void> {
  for (const app of apps) {
    const u = await findUnfinishedRun(db, app)
    if (!u || u.run.plan === null) continue
    if (!changedAnything(u.steps)) {
      if (closeAs) await closeUnchanged(db, u, closeAs)
      continue
    }
    throw new RefusedError(
      `rollback ${u.run.id} of ${app} did not finish: it stopped ${u.stoppedAt}, and its process (pid ${u.run.owner_pid} on ${u.run.owner_host}) ` +
        'no longer holds its lock; components may be half rolled back. A person decides what happens next: ' +
        `finish it as planned with \`${resumeCommand(u.run.id)}\`, or give it up with ` +
        `\`lastgood rollback --abandon ${u.run.id} --reason "<why>"\` and roll back afresh`,
    )
  }
}

async function closeUnchanged(tx: StateDb, u: UnfinishedRun, by: { actor: string; reason: string; run: string }): Promise<void> {
  await closeDeadRunIn(tx, u.run.id, 'not-started', () => ({
    actor: by.actor,
    action: 'rollback.interrupt',
    target: (JSON.parse(u.run.apps) as string[]).join(','),
    reason: by.reason,
    outcome: 'failure',
    details: {
      run: u.run.id,
      status: 'not-started',
      stoppedAt: u.stoppedAt,
      closedBy: by.run,
      why: `its process (pid ${u.run.owner_pid} on ${u.run.owner_host}) stopped before any restore began; nothing was changed`,
    },
  }))
}

export function resumeCommand(runId: string): string {
  return `lastgood rollback --resume ${runId} --reason "<why>"`
}

/**
 * The run named by --resume or --abandon, if it can be: it exists, it did not finish, no live process holds
 * it, it is the latest run of each of its apps, and (for resume) it recorded its plan. Run again inside the
 * lock's transaction, so the answer cannot change before the lock is taken.
 */
export async function requireUnfinished(db: StateDb, id: string, purpose: 'resume' | 'abandon'): Promise<RollbackRunTable> {
  const run = await findRun(db, id)
  if (!run) throw new UserError(`no rollback run "${id}"; \`lastgood status\` shows the last rollback of each app`)
  if (run.status === 'running' && !(await isUnfinished(db, run))) {
    throw new RefusedError(
      `rollback ${id} is still running (pid ${run.owner_pid} on ${run.owner_host}, since ${run.started_at}); wait for it to finish`,
    )
  }
  if (run.status !== 'running' && run.status !== 'interrupted') {
    throw new UserError(
      `rollback ${id} already ended (${run.status}${run.ended_at ? ` at ${run.ended_at}` : ''}); there is nothing to ${purpose}`,
    )
  }
  for (const app of JSON.parse(run.apps) as string[]) {
    const latest = await latestRun(db, app)
    if (latest && latest.id !== id)
      throw new UserError(
        `rollback ${latest.id} of ${app} ran after ${id}; ${purpose === 'resume' ? 'resuming' : 'abandoning'} the older run would act against it`,
      )
  }
  if (purpose === 'resume' && run.plan === null) {
    throw new UserError(
      `rollback ${id} was recorded before runs kept their plan, so it cannot be resumed; give it up with \`lastgood rollback --abandon ${id} --reason "<why>"\``,
    )
  }
  return run
}
