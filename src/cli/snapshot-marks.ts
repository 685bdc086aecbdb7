import type { Marked } from '../snapshots/snapshot-marks.js'

/** GOOD: yes (an automatic rollback may restore it), only --to (a safety snapshot), or rejected (it holds a release a rollback moved away from). */
export function goodMark(s: Marked): string {
  if (s.kind === 'safety') return 'only --to'
  if (s.rejected.length > 0) return `rejected: ${s.rejected.map((r) => `${r.component}=${r.version}`).join(' ')}`
  return s.knownGood ? 'yes' : ''
}
