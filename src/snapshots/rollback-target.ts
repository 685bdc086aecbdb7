import type { ResolvedComponent } from '../config/types.js'
import type { StateDb } from '../state/open-state.js'
import { type Rejection, type Rejections, rejectionsByApp } from './rejected-releases.js'
import { type SnapshotRecord, snapshotsByApp } from './snapshot-record.js'

/** What a rollback asks for; the rule itself is `namedOnly`. */
export interface TargetQuery {
  app: string
  /** The components the rollback restores: the target holds every one. */
  components: readonly Pick<ResolvedComponent, 'name' | 'data'>[]
  /** What runs now: the target differs in one of the components (a rollback that would change nothing is none). */
  differFrom?: ReadonlyMap<string, string | undefined>
  /** Only snapshots taken before this instant (an incident's declaration: what came after may be the damage). */
  takenBefore?: string
}

export interface TargetSearch {
  target: SnapshotRecord | undefined
  /** Newer snapshots that held what was asked but may not be restored unless named, and why. */
  passedOver: { snapshot: string; why: string }[]
}

const NOT_KNOWN_GOOD = 'not known good'

/**
 * Why a snapshot is restored only when named, or null when an automatic rollback may restore it:
 * - a safety snapshot (kind `safety`) holds what a rollback moved away from, whatever its health was;
 * - a snapshot holding a release version a rollback moved away from (rejected-releases.ts): the rule is on
 *   the version, so a later capture of the same release is passed over too. Data components (`data: true`)
 *   are not releases: their version says little of their content, and the state a data restore moved away
 *   from lives in its safety snapshot, which this rule already passes over;
 * - a snapshot not known good.
 * `releases` are the non-data components the rollback would restore.
 */
export function namedOnly(s: SnapshotRecord, releases: readonly string[], rejections: Rejections): string | null {
  if (s.kind === 'safety') return 'a safety snapshot'
  const rejected = rejections.inSnapshot(s, releases)
  if (rejected.length > 0) {
    return `holds ${rejected.map((r) => `${r.component}=${r.version}`).join(', ')}, rejected: rollback ${rejected[0]!.run} moved away from it`
  }
  if (!s.knownGood) return NOT_KNOWN_GOOD
  return null
}

export function releaseNames(components: readonly Pick<ResolvedComponent, 'name' | 'data'>[]): string[] {
  return components.filter((c) => !c.data).map((c) => c.name)
}

/** What a rollback naming no component restores: the releases; for an app of data alone (status, retention), its data. */
export function defaultComponents<C extends Pick<ResolvedComponent, 'name' | 'data'>>(components: readonly C[]): C[] {
  const releases = components.filter((c) => !c.data)
  return releases.length > 0 ? releases : [...components]
}

export interface TargetMark {
  /** Release versions it holds that a rollback moved away from. */
  rejected: Rejection[]
  /** Why only `--to` restores it; null when an automatic rollback may. */
  namedOnly: string | null
}

/**
 * How the rule sees each snapshot, for `snapshot list` and `show`, whatever apps they belong to: the rejections
 * of all of them are read in one query. `componentsOf` gives an app's configured components (undefined for an
 * app no longer configured: every component it captured counts as a release).
 */
export async function targetMarks(
  db: StateDb,
  snaps: readonly SnapshotRecord[],
  componentsOf: (app: string) => readonly Pick<ResolvedComponent, 'name' | 'data'>[] | undefined,
): Promise<Map<string, TargetMark>> {
  const rejectionsOf = await rejectionsByApp(db, [...new Set(snaps.map((s) => s.app))])
  return new Map(
    snaps.map((s) => {
      const rejections = rejectionsOf.get(s.app)!
      const components = componentsOf(s.app)
      const releases = components ? releaseNames(components) : s.components.map((c) => c.name)
      return [s.id, { rejected: rejections.inSnapshot(s, releases), namedOnly: namedOnly(s, releases, rejections) }]
    }),
  )
}

/** What the rule reads of one app: the snapshots still kept, newest first, and the rejections in force. */
export interface TargetHistory {
  snapshots: readonly SnapshotRecord[]
  rejections: Rejections
}

/** The history of each of `apps`, in two queries however many apps and snapshots there are. */
export async function targetHistories(db: StateDb, apps: readonly string[]): Promise<Map<string, TargetHistory>> {
  const snapshots = await snapshotsByApp(db, apps)
  const rejections = await rejectionsByApp(db, apps)
  return new Map(apps.map((a) => [a, { snapshots: snapshots.get(a)!, rejections: rejections.get(a)! }]))
}

/**
 * The one way to find what a rollback nobody pointed at a snapshot restores: a plain `lastgood rollback`, the
 * monitor's automatic rollback (and `watch`), a runbook's rollback, restore_data and recover steps; `status`,
 * `validate` and retention ask it too. The newest snapshot of the app the rule allows for `q`, and the newer
 * ones it passed over. A snapshot named with `--to` (or an incident's `--to`) is restored without asking it.
 */
export async function findRollbackTarget(db: StateDb, q: TargetQuery): Promise<TargetSearch> {
  return pickRollbackTarget((await targetHistories(db, [q.app])).get(q.app)!, q)
}

/** findRollbackTarget on a history already read (status asks it several times of every app). */
export function pickRollbackTarget(history: TargetHistory, q: Omit<TargetQuery, 'app'>): TargetSearch {
  const { rejections } = history
  const releases = releaseNames(q.components)
  const passedOver: TargetSearch['passedOver'] = []
  for (const s of history.snapshots) {
    if (q.takenBefore !== undefined && s.createdAt >= q.takenBefore) continue
    const version = (name: string) => s.components.find((sc) => sc.name === name)?.version
    if (!q.components.every((c) => version(c.name) !== undefined)) continue
    if (q.differFrom && q.components.every((c) => version(c.name) === q.differFrom!.get(c.name))) continue
    const why = namedOnly(s, releases, rejections)
    if (why === null) return { target: s, passedOver }
    passedOver.push({ snapshot: s.id, why })
  }
  return { target: undefined, passedOver }
}

/**
 * What a "no target" message adds: the snapshots passed over for a reason a person may not expect (a safety
 * snapshot, a rejected release). Empty when there are none.
 */
export function explainPassedOver(search: TargetSearch): string {
  const notable = search.passedOver.filter((x) => x.why !== NOT_KNOWN_GOOD)
  if (notable.length === 0) return ''
  const shown = notable
    .slice(0, 3)
    .map((x) => `${x.snapshot} (${x.why})`)
    .join('; ')
  return `; passed over, restored only when named with --to: ${shown}${notable.length > 3 ? `; and ${notable.length - 3} more` : ''}`
}
