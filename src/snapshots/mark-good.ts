import { appendAuditIn } from '../audit/audit-log.js'
import { isoNow } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { clearRejections, type Rejection } from './rejected-releases.js'
import { requireSnapshot, type SnapshotRecord } from './snapshot-record.js'

export interface MarkGoodOptions {
  actor: string
  reason: string | null
  /**
   * A person vouching for the snapshot also ends the rejection of the release versions it holds (a rollback
   * had moved away from them). A deploy watch does not: passing triggers says nothing of the business bug a
   * person rolled back from.
   */
  clearRejections?: boolean
}

/** Vouches for a snapshot: it becomes known good, with who and why in the audit trail. */
export async function markGood(
  p: Platform,
  id: string,
  opts: MarkGoodOptions,
): Promise<{ snapshot: SnapshotRecord; cleared: Rejection[] }> {
  const snap = await requireSnapshot(p.state.db, id)
  if (snap.kind === 'safety') {
    throw new UserError(
      `snapshot ${id} is a safety snapshot (what a rollback moved away from): it is restored only when named, ` +
        `\`lastgood rollback ${snap.app} --to ${id}\`; to vouch for that state, restore it, take a snapshot and mark that one good`,
    )
  }
  let cleared: Rejection[] = []
  await p.state.writeTransaction(async (tx) => {
    await tx
      .updateTable('snapshots')
      .set({ known_good: 1, marked_good_by: opts.actor, marked_good_at: isoNow() })
      .where('id', '=', id)
      .execute()
    if (opts.clearRejections) cleared = await clearRejections(tx, snap, opts.actor)
    await appendAuditIn(tx, {
      actor: opts.actor,
      action: 'snapshot.mark-good',
      target: snap.app,
      reason: opts.reason,
      outcome: 'success',
      details: {
        snapshot: id,
        healthAtCapture: snap.health,
        ...(cleared.length > 0
          ? { clearedRejections: cleared.map((r) => ({ component: r.component, version: r.version, run: r.run })) }
          : {}),
      },
    })
  })
  return { snapshot: { ...snap, knownGood: true, markedGoodBy: opts.actor }, cleared }
}
