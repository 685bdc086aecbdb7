import type { Platform } from '../platform/platform.js'
import { type TargetMark, targetMarks } from './rollback-target.js'
import type { SnapshotRecord } from './snapshot-record.js'

export type Marked = SnapshotRecord & TargetMark

/** Each snapshot with how the rollback-target rule sees it: rejected release versions, restored only when named. */
export async function withMarks(p: Platform, snaps: SnapshotRecord[]): Promise<Marked[]> {
  const apps = new Map(p.config.apps.map((a) => [a.name, a.components]))
  const marks = await targetMarks(p.state.db, snaps, (app) => apps.get(app))
  return snaps.map((s) => ({ ...s, ...marks.get(s.id)! }))
}
