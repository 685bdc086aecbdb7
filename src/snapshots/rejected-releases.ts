import { appendAuditIn } from '../audit/audit-log.js'
import { isoNow } from '../core/clock.js'
import type { StateDb } from '../state/open-state.js'
import type { SnapshotRecord } from './snapshot-record.js'

/** A component version a rollback moved away from, and which run did. */
export interface Rejection {
  component: string
  version: string
  run: string
  at: string
  by: string
  reason: string
}

/** The rejections still in force for one app, looked up by component and version. */
export class Rejections {
  private readonly byVersion = new Map<string, Rejection>()

  constructor(readonly all: Rejection[]) {
    // Newest first: a version rejected by several runs is named by the latest.
    for (const r of all) if (!this.byVersion.has(key(r.component, r.version))) this.byVersion.set(key(r.component, r.version), r)
  }

  of(component: string, version: string): Rejection | undefined {
    return this.byVersion.get(key(component, version))
  }

  /** The rejected versions among `components` of the snapshot: why it may not be restored without being named. */
  inSnapshot(s: SnapshotRecord, components: readonly string[]): Rejection[] {
    return s.components.flatMap((c) => {
      const r = components.includes(c.name) ? this.of(c.name, c.version) : undefined
      return r ? [r] : []
    })
  }
}

function key(component: string, version: string): string {
  return JSON.stringify([component, version])
}

/** Rejections of `app` not cleared, newest first. */
export async function loadRejections(db: StateDb, app: string): Promise<Rejections> {
  return (await rejectionsByApp(db, [app])).get(app)!
}

/** The same for each of `apps`, in one query however many apps there are. Every app given has an entry. */
export async function rejectionsByApp(db: StateDb, apps: readonly string[]): Promise<Map<string, Rejections>> {
  const found = new Map(apps.map((a) => [a, [] as Rejection[]]))
  if (apps.length > 0) {
    const rows = await db
      .selectFrom('rejected_releases')
      .selectAll()
      .where('app', 'in', [...found.keys()])
      .where('cleared_at', 'is', null)
      .orderBy('rejected_at', 'desc')
      .execute()
    for (const r of rows) {
      found
        .get(r.app)!
        .push({ component: r.component, version: r.version, run: r.run_id, at: r.rejected_at, by: r.rejected_by, reason: r.reason })
    }
  }
  return new Map([...found].map(([app, all]) => [app, new Rejections(all)]))
}

/**
 * Marks what a run moved an app away from as rejected: every component whose version it changed. Called in the
 * transaction that records the app restored, so a resumed run records it once, and audited (`release.reject`).
 */
export async function rejectMovedAway(
  tx: StateDb,
  move: { app: string; run: string; from: Record<string, string>; to: Record<string, string>; actor: string; reason: string },
): Promise<void> {
  const moved = Object.entries(move.from).filter(([c, v]) => move.to[c] !== undefined && move.to[c] !== v)
  if (moved.length === 0) return
  const at = isoNow()
  for (const [component, version] of moved) {
    await tx
      .insertInto('rejected_releases')
      .values({
        app: move.app,
        component,
        version,
        run_id: move.run,
        rejected_at: at,
        rejected_by: move.actor,
        reason: move.reason,
        cleared_at: null,
        cleared_by: null,
      })
      .execute()
  }
  await appendAuditIn(tx, {
    actor: move.actor,
    action: 'release.reject',
    target: move.app,
    reason: move.reason,
    outcome: 'success',
    details: { run: move.run, rejected: Object.fromEntries(moved) },
  })
}

/**
 * A person vouches for a snapshot: the rejections of the versions it holds end (each row keeps who rejected
 * it and who cleared it). Returns what was cleared; the caller audits it with the vouching.
 */
export async function clearRejections(tx: StateDb, s: SnapshotRecord, actor: string): Promise<Rejection[]> {
  const cleared = (await loadRejections(tx, s.app)).inSnapshot(
    s,
    s.components.map((c) => c.name),
  )
  for (const r of cleared) {
    await tx
      .updateTable('rejected_releases')
      .set({ cleared_at: isoNow(), cleared_by: actor })
      .where('app', '=', s.app)
      .where('component', '=', r.component)
      .where('version', '=', r.version)
      .where('cleared_at', 'is', null)
      .execute()
  }
  return cleared
}
