import { appendAudit } from '../audit/audit-log.js'
import type { ResolvedApp } from '../config/types.js'
import { isoNow } from '../core/clock.js'
import type { Platform } from '../platform/platform.js'
import type { PruneReport } from '../repository/repository.js'
import { pinnedByUnfinishedRuns } from './pinned-snapshots.js'
import { decideRetention } from './retention.js'
import { defaultComponents, findRollbackTarget } from './rollback-target.js'
import { listSnapshots, type SnapshotRecord } from './snapshot-record.js'
import { unconfiguredSnapshots } from './unconfigured-snapshots.js'

export interface PruneResult {
  dryRun: boolean
  removed: SnapshotRecord[]
  kept: number
  repository: PruneReport
}

/**
 * Applies retention to every app given, then lets the repository remove the data no remaining snapshot
 * needs. Snapshot documents are forgotten before data is collected, and the repository itself refuses to
 * collect when it cannot read every remaining snapshot, so an object still referenced is never deleted.
 */
export async function pruneSnapshots(
  p: Platform,
  apps: ResolvedApp[],
  opts: { dryRun: boolean; actor: string; unconfigured?: boolean },
): Promise<PruneResult> {
  const now = Date.now()
  const removed: SnapshotRecord[] = []
  let kept = 0
  const pinned = await pinnedByUnfinishedRuns(p.state.db)
  for (const app of apps) {
    const target = (await findRollbackTarget(p.state.db, { app: app.name, components: defaultComponents(app.components) })).target
    const keep = { pinned, ...(target ? { target: target.id } : {}) }
    const decision = decideRetention(app, await listSnapshots(p.state.db, app.name), now, keep)
    kept += decision.keep.length
    removed.push(...decision.remove)
  }
  // Snapshots of apps no longer configured (renamed, removed): all of them, except what an unfinished run needs.
  if (opts.unconfigured)
    for (const snaps of (await unconfiguredSnapshots(p.state.db, p.config)).values())
      removed.push(...snaps.filter((s) => !pinned.has(s.id)))
  if (!opts.dryRun) {
    for (const s of removed) {
      await p.repository.removeSnapshot(s.id)
      await p.state.db.updateTable('snapshots').set({ pruned_at: isoNow() }).where('id', '=', s.id).execute()
    }
  }
  const repository = await p.repository.prune({ dryRun: opts.dryRun })
  if (!opts.dryRun) {
    await appendAudit(p.state, {
      actor: opts.actor,
      action: 'snapshot.prune',
      target: apps.map((a) => a.name).join(','),
      outcome: 'success',
      details: { removed: removed.map((s) => s.id), repository },
    })
  }
  return { dryRun: opts.dryRun, removed, kept, repository }
}
