import type { StateDb } from '../state/open-state.js'

/**
 * Snapshots a rollback that has not finished still needs: its targets (to resume) and its safety snapshots
 * (to revert to). Retention must keep them whatever their age, or a resume would find its data gone.
 * Maps snapshot id → the run that needs it.
 */
export async function pinnedByUnfinishedRuns(db: StateDb): Promise<Map<string, string>> {
  const pinned = new Map<string, string>()
  const runs = await db.selectFrom('rollback_runs').select(['id', 'plan']).where('status', 'in', ['running', 'interrupted']).execute()
  for (const run of runs) {
    const plan = run.plan ? (JSON.parse(run.plan) as { apps?: { target?: unknown }[] }) : {}
    for (const a of plan.apps ?? []) if (typeof a.target === 'string') pinned.set(a.target, run.id)
    const safety = await db
      .selectFrom('rollback_steps')
      .select('detail')
      .where('run_id', '=', run.id)
      .where('name', '=', 'safety-snapshot')
      .execute()
    for (const s of safety) {
      const id = s.detail ? (JSON.parse(s.detail) as { snapshot?: unknown }).snapshot : undefined
      if (typeof id === 'string') pinned.set(id, run.id)
    }
  }
  return pinned
}
