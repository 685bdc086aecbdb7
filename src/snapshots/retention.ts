import type { ResolvedApp } from '../config/types.js'
import type { SnapshotRecord } from './snapshot-record.js'

export interface RetentionDecision {
  keep: { snapshot: SnapshotRecord; why: string[] }[]
  remove: SnapshotRecord[]
}

/**
 * Which snapshots of one app to keep: the newest `keepLast`, every one younger than `keepWithin`, and
 * always `target` (the snapshot the next automatic rollback would restore, by the rule of rollback-target.ts:
 * not the newest known-good one, which may be a safety snapshot or a rejected release) and any snapshot an
 * unfinished rollback still needs (`pinned`). Pure: prune applies it.
 * `snaps` must be newest first.
 */
export function decideRetention(
  app: ResolvedApp,
  snaps: SnapshotRecord[],
  now: number,
  keep: { target?: string; pinned?: ReadonlyMap<string, string> } = {},
): RetentionDecision {
  const decision: RetentionDecision = { keep: [], remove: [] }
  snaps.forEach((snapshot, index) => {
    const why: string[] = []
    if (index < app.retention.keepLast) why.push(`one of the last ${app.retention.keepLast}`)
    if (now - Date.parse(snapshot.createdAt) < app.retention.keepWithinMs) why.push('younger than the retention window')
    if (snapshot.id === keep.target) why.push('the target of the next automatic rollback')
    const run = keep.pinned?.get(snapshot.id)
    if (run) why.push(`needed by unfinished rollback ${run}`)
    if (why.length > 0) decision.keep.push({ snapshot, why })
    else decision.remove.push(snapshot)
  })
  return decision
}
