import type { Platform } from '../platform/platform.js'
import { type TargetMark, targetMarks } from '../snapshots/rollback-target.js'
import type { SnapshotRecord } from '../snapshots/snapshot-record.js'

export type Marked = SnapshotRecord & TargetMark

/** Each snapshot with how the rollback-target rule sees it: rejected release versions, restored only when named. */
export async function withMarks(p: Platform, snaps: SnapshotRecord[]): Promise<Marked[]> {
  const apps = new Map(p.config.apps.map((a) => [a.name, a.components]))
  const marks = await targetMarks(p.state.db, snaps, (app) => apps.get(app))
  return snaps.map((s) => ({ ...s, ...marks.get(s.id)! }))
}

/** GOOD: yes (an automatic rollback may restore it), only --to (a safety snapshot), or rejected (it holds a release a rollback moved away from). */
export function goodMark(s: Marked): string {
  if (s.kind === 'safety') return 'only --to'
  if (s.rejected.length > 0) return `rejected: ${s.rejected.map((r) => `${r.component}=${r.version}`).join(' ')}`
  return s.knownGood ? 'yes' : ''
}
