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
