import type { StateDb } from '../state/open-state.js'
import type { DeployFreezeTable } from '../state/schema.js'

/** A deploy freeze: `preflight` refuses its app's deploys (every app's, for `all`) until `until`. */
export interface Freeze {
  id: string
  /** An app's name, or `all`. */
  app: string
  until: string
  reason: string
  frozenBy: string
  frozenAt: string
}

/** What a freeze of every app is called, on the command line and in the state. */
export const ALL_APPS = 'all'

/**
 * Freezes in force at `now` that cover any of `apps` (a freeze of `all` covers every app), soonest to end
 * first; every one in force when `apps` is not given. A freeze past its `until` has ended by itself: nothing
 * has to run for that, it simply no longer matches.
 */
export async function freezesInForce(db: StateDb, now: number, apps?: readonly string[]): Promise<Freeze[]> {
  let q = db.selectFrom('deploy_freezes').selectAll().where('lifted_at', 'is', null).where('until', '>', new Date(now).toISOString())
  if (apps) q = q.where('app', 'in', [ALL_APPS, ...apps])
  const rows = await q.orderBy('until').orderBy('id').execute()
  return rows.map(fromRow)
}

export async function insertFreeze(tx: StateDb, f: Freeze): Promise<void> {
  await tx
    .insertInto('deploy_freezes')
    .values({
      id: f.id,
      app: f.app,
      until: f.until,
      reason: f.reason,
      frozen_by: f.frozenBy,
      frozen_at: f.frozenAt,
      lifted_at: null,
      lifted_by: null,
      lift_reason: null,
    })
    .execute()
}

export async function liftFreezes(tx: StateDb, ids: readonly string[], by: { actor: string; reason: string; at: string }): Promise<void> {
  await tx
    .updateTable('deploy_freezes')
    .set({ lifted_at: by.at, lifted_by: by.actor, lift_reason: by.reason })
    .where('id', 'in', ids)
    .execute()
}

function fromRow(r: DeployFreezeTable): Freeze {
  return { id: r.id, app: r.app, until: r.until, reason: r.reason, frozenBy: r.frozen_by, frozenAt: r.frozen_at }
}
