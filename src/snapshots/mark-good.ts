import { appendAuditIn } from '../audit/audit-log.js'
import { isoNow } from '../core/clock.js'
import type { Platform } from '../platform/platform.js'
import { requireSnapshot, type SnapshotRecord } from './snapshot-record.js'

/** A person vouches for a snapshot: it becomes known good, with who and why in the audit trail. */
export async function markGood(p: Platform, id: string, opts: { actor: string; reason: string | null }): Promise<SnapshotRecord> {
  const snap = await requireSnapshot(p.state.db, id)
  await p.state.writeTransaction(async (tx) => {
    await tx.updateTable('snapshots').set({ known_good: 1, marked_good_by: opts.actor, marked_good_at: isoNow() }).where('id', '=', id).execute()
    await appendAuditIn(tx, { actor: opts.actor, action: 'snapshot.mark-good', target: snap.app, reason: opts.reason, outcome: 'success', details: { snapshot: id, healthAtCapture: snap.health } })
  })
  return { ...snap, knownGood: true, markedGoodBy: opts.actor }
}
