import { UserError } from '../core/errors.js'
import type { StateDb } from '../state/open-state.js'
import { fromSnapshotRow, requireSnapshot, type SnapshotRecord } from './snapshot-record.js'

/** Platform snapshot ids (`snapshot create --all`): `ps-<timestamp>-<rand>`, told apart from snapshot ids by the prefix. */
export const PLATFORM_SNAPSHOT_PREFIX = 'ps-'

export function isPlatformSnapshotId(id: string): boolean {
  return id.startsWith(PLATFORM_SNAPSHOT_PREFIX)
}

/** The member snapshots of a platform snapshot, in app-name order; empty when there is no such id. */
export async function platformSnapshotMembers(db: StateDb, id: string): Promise<SnapshotRecord[]> {
  const rows = await db.selectFrom('snapshots').selectAll().where('platform_snapshot', '=', id).orderBy('app', 'asc').execute()
  return rows.map(fromSnapshotRow)
}

/**
 * What `target` restores for each of `apps`: the app's member of a platform snapshot (`ps-…`), or, for a
 * one-app scope, a plain snapshot id of that app. Throws UserError naming what is wrong (unknown id, an app
 * the platform snapshot has no member of, a pruned member, a plain snapshot id for several apps) before
 * anything is planned.
 */
export async function resolveRecoveryTarget(db: StateDb, target: string, apps: string[]): Promise<Map<string, string>> {
  if (!isPlatformSnapshotId(target)) {
    if (apps.length !== 1) {
      throw new UserError(
        `--to ${target} names one snapshot, so it takes exactly one app (got ${apps.join(', ')}); ` +
          'to restore several apps to one moment, name a platform snapshot (ps-…, from `lastgood snapshot create --all`)',
      )
    }
    const snap = await requireSnapshot(db, target, { app: apps[0]! })
    return new Map([[snap.app, snap.id]])
  }
  const members = await platformSnapshotMembers(db, target)
  if (members.length === 0) {
    throw new UserError(`no platform snapshot "${target}"; \`lastgood snapshot list\` shows platform ids in its PLATFORM column`)
  }
  const out = new Map<string, string>()
  for (const app of apps) {
    const m = members.find((s) => s.app === app)
    if (!m) {
      throw new UserError(
        `platform snapshot ${target} has no snapshot of app ${app} (it holds ${members.map((s) => s.app).join(', ')}); ` +
          'leave the app out of the scope, or take a new platform snapshot with `lastgood snapshot create --all`',
      )
    }
    if (m.prunedAt)
      throw new UserError(`platform snapshot ${target}: the snapshot ${m.id} of app ${app} was pruned on ${m.prunedAt}; its data is gone`)
    out.set(app, m.id)
  }
  return out
}
