import type { ResolvedApp } from '../config/types.js'
import type { SnapshotRecord } from './snapshot-record.js'

export interface RetentionDecision {
  keep: { snapshot: SnapshotRecord; why: string[] }[]
  remove: SnapshotRecord[]
}

/**
 * Which snapshots of one app to keep: the newest `keepLast`, every one younger than `keepWithin`, and
 * always the newest known-good one (the target of the next automatic rollback) and any snapshot an unfinished
 * rollback still needs (`pinned`). Pure: prune applies it.
 * `snaps` must be newest first.
 */
export function decideRetention(app: ResolvedApp, snaps: SnapshotRecord[], now: number, pinned: ReadonlyMap<string, string> = new Map()): RetentionDecision {
  const newestGood = snaps.find((s) => s.knownGood)
  const decision: RetentionDecision = { keep: [], remove: [] }
  snaps.forEach((snapshot, index) => {
    const why: string[] = []
    if (index < app.retention.keepLast) why.push(`one of the last ${app.retention.keepLast}`)
    if (now - Date.parse(snapshot.createdAt) < app.retention.keepWithinMs) why.push('younger than the retention window')
    if (snapshot === newestGood) why.push('newest known good')
    const run = pinned.get(snapshot.id)
    if (run) why.push(`needed by unfinished rollback ${run}`)
    if (why.length > 0) decision.keep.push({ snapshot, why })
    else decision.remove.push(snapshot)
  })
  return decision
}
