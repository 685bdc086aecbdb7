import type { BlobId } from './blob-store.js'

/** The public shapes of the repository API; repository.ts re-exports them. */

export interface KeySource {
  /** From LASTGOOD_PASSWORD, read by the caller. Absent or empty: the repository uses `keyFile`. */
  passphrase?: string
  keyFile: string
}

export interface RepoSnapshot {
  id: string
  app: string
  createdAt: string
  kind: string
  components: { name: string; provider: string; version: string; manifest: BlobId }[]
  meta?: Record<string, unknown>
}

export interface VerifyProblem {
  /** A blob id, a pack id, `index/<id>` or a snapshot id. */
  object: string
  kind: 'missing' | 'damaged' | 'unreferenced'
  snapshot?: string
  message: string
}

export interface VerifyReport {
  /** False when any problem is `missing` or `damaged`; `unreferenced` data is only prune's to collect. */
  ok: boolean
  checked: { snapshots: number; blobs: number; packs: number; bytesRead: number }
  problems: VerifyProblem[]
}

export interface PruneReport {
  dryRun: boolean
  snapshotsKept: number
  blobsKept: number
  blobsRemoved: number
  /** Bytes of pack files removed minus bytes of the packs written to replace them. */
  bytesFreed: number
  packsRewritten: number
  packsRemoved: number
  /** Packs no index knows of: leftovers of a session that crashed before writing its index. */
  unindexedPacksRemoved: number
  tempFilesRemoved: number
}

export interface RepoStats {
  packs: number
  packBytes: number
  blobs: number
  snapshots: number
}

/**
 * A signed statement about an append-only log kept elsewhere (lastgood's audit chain): at `ts` its head was
 * entry `seq` with hash `hash`, and it held `events` entries. The repository stores and authenticates it;
 * what it means is the log's business.
 */
export interface RepoCheckpoint {
  seq: number
  /** 64 lowercase hex. */
  hash: string
  /** ISO 8601, when the checkpoint was taken. */
  ts: string
  events: number
}

/** A checkpoint as stored: `checkpoints/<id>`, the id derived from seq and hash. */
export interface StoredCheckpoint extends RepoCheckpoint {
  id: string
}

export interface CheckpointListing {
  /** Every checkpoint that authenticated, by seq, then ts. */
  checkpoints: StoredCheckpoint[]
  /** Files under checkpoints/ that failed authentication or are malformed: reported, never skipped silently. */
  damaged: { id: string; message: string }[]
}
