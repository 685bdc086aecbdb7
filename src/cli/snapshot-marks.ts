import type { Platform } from '../platform/platform.js'
import { type TargetMark, targetMarks } from '../snapshots/rollback-target.js'
import type { SnapshotRecord } from '../snapshots/snapshot-record.js'

export type Marked = SnapshotRecord & TargetMark

/** Each snapshot with how the rollback-target rule sees it: rejected release versions, restored only when named. */
export async function withMarks(p: Platform, snaps: SnapshotRecord[]): Promise<Marked[]> {
  const marks = new Map<string, TargetMark>()
  for (const app of new Set(snaps.map((s) => s.app))) {
    const components = p.config.apps.find((a) => a.name === app)?.components
    for (const [id, m] of await targetMarks(
      p.state.db,
      app,
      snaps.filter((s) => s.app === app),
      components,
    ))
      marks.set(id, m)
  }
  return snaps.map((s) => ({ ...s, ...marks.get(s.id)! }))
}

/** GOOD: yes (an automatic rollback may restore it), only --to (a safety snapshot), or rejected (it holds a release a rollback moved away from). */
export function goodMark(s: Marked): string {
  if (s.kind === 'safety') return 'only --to'
  if (s.rejected.length > 0) return `rejected: ${s.rejected.map((r) => `${r.component}=${r.version}`).join(' ')}`
  return s.knownGood ? 'yes' : ''
}
