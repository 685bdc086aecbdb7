import type { ResolvedComponent } from '../config/types.js'
import type { StateDb } from '../state/open-state.js'
import { loadRejections, type Rejection, type Rejections } from './rejected-releases.js'
import { listSnapshots, type SnapshotRecord } from './snapshot-record.js'

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
 * How the rule sees each snapshot of one app, for `snapshot list`. `components` are the app's configured ones
 * (an app no longer configured passes none: every component it captured counts as a release).
 */
export async function targetMarks(
  db: StateDb,
  app: string,
  snaps: SnapshotRecord[],
  components?: readonly Pick<ResolvedComponent, 'name' | 'data'>[],
): Promise<Map<string, TargetMark>> {
  const rejections = await loadRejections(db, app)
  return new Map(
    snaps.map((s) => {
      const releases = components ? releaseNames(components) : s.components.map((c) => c.name)
      return [s.id, { rejected: rejections.inSnapshot(s, releases), namedOnly: namedOnly(s, releases, rejections) }]
    }),
  )
}

/**
 * The one way to find what a rollback nobody pointed at a snapshot restores: a plain `lastgood rollback`, the
 * monitor's automatic rollback (and `watch`), a runbook's rollback, restore_data and recover steps; `status`,
 * `validate` and retention ask it too. The newest snapshot of the app the rule allows for `q`, and the newer
 * ones it passed over. A snapshot named with `--to` (or an incident's `--to`) is restored without asking it.
 */
export async function findRollbackTarget(db: StateDb, q: TargetQuery): Promise<TargetSearch> {
  const rejections = await loadRejections(db, q.app)
  const releases = releaseNames(q.components)
  const passedOver: TargetSearch['passedOver'] = []
  for (const s of await listSnapshots(db, q.app)) {
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
