import { UserError } from '../core/errors.js'
import type { HealthRound, HealthState } from '../health/probe-health.js'
import type { StateDb } from '../state/open-state.js'
import type { SnapshotTable } from '../state/schema.js'

export const SNAPSHOT_KINDS = ['pre-deploy', 'deploy', 'scheduled', 'emergency', 'safety', 'manual'] as const
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number]

export interface SnapshotComponent {
  name: string
  provider: string
  version: string
  /** Id of the manifest blob in the repository. */
  manifest: string
  files?: number
  bytes?: number
}

export interface SnapshotRecord {
  id: string
  app: string
  kind: SnapshotKind
  label: string | null
  createdAt: string
  actor: string
  health: HealthState
  healthDetail: HealthRound | null
  /**
   * Health passed at capture (never for a safety snapshot), or a person marked it good. Whether an automatic
   * rollback may restore it is decided by rollback-target.ts: not when it holds a rejected release.
   */
  knownGood: boolean
  markedGoodBy: string | null
  components: SnapshotComponent[]
  prunedAt: string | null
  /** The platform snapshot (`snapshot create --all`) this one belongs to. */
  platformSnapshot?: string | null
}

export function toSnapshotRow(s: SnapshotRecord): SnapshotTable {
  return {
    id: s.id,
    app: s.app,
    kind: s.kind,
    label: s.label,
    created_at: s.createdAt,
    actor: s.actor,
    health: s.health,
    health_detail: JSON.stringify(s.healthDetail),
    known_good: s.knownGood ? 1 : 0,
    marked_good_by: s.markedGoodBy,
    marked_good_at: null,
    components: JSON.stringify(s.components),
    pruned_at: s.prunedAt,
    platform_snapshot: s.platformSnapshot ?? null,
  }
}

export function fromSnapshotRow(r: SnapshotTable): SnapshotRecord {
  return {
    id: r.id,
    app: r.app,
    kind: r.kind as SnapshotKind,
    label: r.label,
    createdAt: r.created_at,
    actor: r.actor,
    health: r.health as HealthState,
    healthDetail: JSON.parse(r.health_detail) as HealthRound | null,
    knownGood: Number(r.known_good) === 1,
    markedGoodBy: r.marked_good_by,
    components: JSON.parse(r.components) as SnapshotComponent[],
    prunedAt: r.pruned_at,
    platformSnapshot: r.platform_snapshot ?? null,
  }
}

/** Snapshots still in the repository, newest first; of one app when given. */
export async function listSnapshots(db: StateDb, app?: string): Promise<SnapshotRecord[]> {
  return keptSnapshots(db, app === undefined ? undefined : [app])
}

/**
 * The snapshots still in the repository of each of `apps`, newest first, in one query however many apps
 * there are (status and validate ask about every app at once). Every app given has an entry.
 */
export async function snapshotsByApp(db: StateDb, apps: readonly string[]): Promise<Map<string, SnapshotRecord[]>> {
  const out = new Map(apps.map((a) => [a, [] as SnapshotRecord[]]))
  if (apps.length > 0) for (const s of await keptSnapshots(db, [...out.keys()])) out.get(s.app)!.push(s)
  return out
}

/** When the newest snapshot still kept of each of `apps` was taken (null: none), in one grouped query. */
export async function newestSnapshotTimes(db: StateDb, apps: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(apps.map((a) => [a, null]))
  if (apps.length === 0) return out
  const rows = await db
    .selectFrom('snapshots')
    .select(({ fn }) => ['app', fn.max('created_at').as('newest')])
    .where('pruned_at', 'is', null)
    .where('app', 'in', [...apps])
    .groupBy('app')
    .execute()
  for (const r of rows) out.set(r.app, String(r.newest))
  return out
}

async function keptSnapshots(db: StateDb, apps: readonly string[] | undefined): Promise<SnapshotRecord[]> {
  let q = db.selectFrom('snapshots').selectAll().where('pruned_at', 'is', null)
  if (apps) q = q.where('app', 'in', apps)
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
  return rows.map(fromSnapshotRow)
}

/**
 * A snapshot a person named: UserError when there is none, when it belongs to another app than `app`, or
 * (unless `allowPruned`) when retention removed its data.
 */
export async function requireSnapshot(
  db: StateDb,
  id: string,
  opts: { app?: string; allowPruned?: boolean } = {},
): Promise<SnapshotRecord> {
  const snap = await findSnapshot(db, id)
  if (!snap) throw new UserError(`no snapshot "${id}"; list them with \`lastgood snapshot list${opts.app ? ` ${opts.app}` : ''}\``)
  if (opts.app && snap.app !== opts.app) throw new UserError(`snapshot ${id} belongs to app ${snap.app}, not ${opts.app}`)
  if (snap.prunedAt && !opts.allowPruned) throw new UserError(`snapshot ${id} was pruned on ${snap.prunedAt}; its data is gone`)
  return snap
}

export async function findSnapshot(db: StateDb, id: string): Promise<SnapshotRecord | undefined> {
  const row = await db.selectFrom('snapshots').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? fromSnapshotRow(row) : undefined
}
