import { appendAuditIn } from '../audit/audit-log.js'
import type { ResolvedApp } from '../config/types.js'
import { timeId } from '../core/clock.js'
import { messageOf, OperationFailedError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { type CreateSnapshotOptions, createSnapshot } from './create-snapshot.js'
import { PLATFORM_SNAPSHOT_PREFIX } from './platform-snapshot.js'
import type { SnapshotRecord } from './snapshot-record.js'

export interface PlatformSnapshot {
  id: string
  snapshots: SnapshotRecord[]
}

/**
 * One snapshot of every app, all captured at the same time (concurrently, not one after the other, so the
 * apps are caught at one moment), then tied together under one platform id in a single transaction with
 * its audit event. The id is given only when every app was captured: a platform snapshot that lacks an app
 * cannot restore the platform, so a failed capture leaves the others as ordinary snapshots and throws.
 */
export async function createPlatformSnapshot(p: Platform, apps: ResolvedApp[], opts: CreateSnapshotOptions): Promise<PlatformSnapshot> {
  const id = timeId(PLATFORM_SNAPSHOT_PREFIX.slice(0, -1))
  const results = await Promise.allSettled(apps.map((app) => createSnapshot(p, app, opts)))
  const taken = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${apps[i]!.name}: ${messageOf(r.reason)}`] : []))
  if (failed.length > 0) {
    const kept = taken.length > 0 ? `; the snapshots taken (${taken.map((s) => s.id).join(', ')}) stay as ordinary snapshots` : ''
    throw new OperationFailedError(`platform snapshot not taken: ${failed.join('; ')}${kept}`)
  }
  await p.state.writeTransaction(async (tx) => {
    await tx
      .updateTable('snapshots')
      .set({ platform_snapshot: id })
      .where(
        'id',
        'in',
        taken.map((s) => s.id),
      )
      .execute()
    await appendAuditIn(tx, {
      actor: opts.actor,
      action: 'snapshot.platform',
      target: id,
      reason: opts.reason ?? null,
      outcome: 'success',
      details: { platformSnapshot: id, snapshots: Object.fromEntries(taken.map((s) => [s.app, s.id])) },
    })
  })
  return { id, snapshots: taken.map((s) => ({ ...s, platformSnapshot: id })) }
}
