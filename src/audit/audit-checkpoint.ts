import { isoNow } from '../core/clock.js'
import type { CheckpointListing, RepoCheckpoint, StoredCheckpoint } from '../repository/types.js'
import type { StateDb } from '../state/open-state.js'
import { appendCheckpointCopy, mergeListings, readCheckpointCopies } from './checkpoint-file.js'

/**
 * Where checkpoints of the chain are kept, sealed with a key the state database never holds (the repository
 * implements it). A chain alone cannot show that its tail was cut off or that it was rewritten and rehashed
 * from the start; a checkpoint kept out of the database writer's reach can.
 */
export interface CheckpointStore {
  /** Idempotent for one head; may be retried. */
  saveCheckpoint(c: RepoCheckpoint): Promise<{ checkpoint: StoredCheckpoint; sealed: Uint8Array }>
  /** Throws when the store cannot be listed; damaged entries come back in `damaged`. */
  listCheckpoints(): Promise<CheckpointListing>
  /** Authenticates a copy kept elsewhere; IntegrityError when it is not checkpoint `id`. */
  openCheckpoint(id: string, sealed: Uint8Array): StoredCheckpoint
}

export interface CheckpointOptions {
  /** `audit.checkpoint_file`: where a copy of each checkpoint is appended, and read back by verify. */
  copyFile?: string
}

export interface AuditHead {
  seq: number
  hash: string
}

/** The newest event's seq and hash, or undefined for an empty chain. One indexed read: cheap at every close. */
export async function auditHead(db: StateDb): Promise<AuditHead | undefined> {
  const row = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined
}

/**
 * Checkpoints the chain's head as it is now (nothing for an empty chain): into the store, then into the copy
 * file. The chain is not verified first: a checkpoint records what the database holds, and verify compares
 * every checkpoint with the chain, so a checkpoint of a tampered head does not hide the older ones that
 * contradict it. If the copy fails after the store succeeded, a retry stores nothing twice.
 */
export async function checkpointAudit(
  db: StateDb,
  store: CheckpointStore,
  opts: CheckpointOptions = {},
): Promise<StoredCheckpoint | undefined> {
  const head = await auditHead(db)
  if (!head) return undefined
  // Counted up to the head only, so an event appended meanwhile by another process does not skew it.
  const { n } = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('seq', '<=', head.seq)
    .executeTakeFirstOrThrow()
  const { checkpoint, sealed } = await store.saveCheckpoint({ seq: head.seq, hash: head.hash, ts: isoNow(), events: Number(n) })
  if (opts.copyFile) {
    await appendCheckpointCopy(opts.copyFile, checkpoint, sealed).catch((err: Error) => {
      throw new Error(
        `checkpoint ${checkpoint.id} is stored in the repository, but copying it to ${opts.copyFile} failed: ${err.message}`,
        { cause: err },
      )
    })
  }
  return checkpoint
}

/** Every checkpoint from the store and, when configured, the copy file; for verifyAudit. */
export async function loadCheckpoints(store: CheckpointStore, opts: CheckpointOptions = {}): Promise<CheckpointListing> {
  const stored = await store.listCheckpoints()
  if (!opts.copyFile) return stored
  return mergeListings(stored, await readCheckpointCopies(opts.copyFile, (id, sealed) => store.openCheckpoint(id, sealed)))
}
