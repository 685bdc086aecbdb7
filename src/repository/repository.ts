import { IntegrityError } from '../core/errors.js'
import { onDemand } from '../core/on-demand.js'
import { listAll, type Backend } from './backend.js'
import { openBackend } from './backends/backend-registry.js'
import type { BlobId, BlobStore, BlobType } from './blob-store.js'
import { Compressor, assertCompressionLevel } from './compression.js'
import type { RepoConfig } from './config-file.js'
import { DEFAULT_KDF, type KdfParams } from './crypto/passphrase-key.js'
import { sha256Hex } from './crypto/seal.js'
import { DEFAULT_COMPRESSION_LEVEL, DEFAULT_PACK_SIZE, MAX_BLOB_SIZE } from './format.js'
import { MasterIndex } from './index/master-index.js'
import { RepoLock } from './lock.js'
import { createRepository, unlockRepository, type Unlocked } from './open-repository.js'
import { openBlob, sealBlob } from './pack/blob-codec.js'
import { PackReader } from './pack/pack-reader.js'
import { Packer } from './pack/packer.js'
import type { RepoCore } from './repo-core.js'
import { assertSnapshot, writeSnapshot } from './save-snapshot.js'
import { assertSnapshotId, loadSnapshotFile } from './snapshot-store.js'
import { decodeCheckpoint, readCheckpoints, writeCheckpoint } from './checkpoint-store.js'
import type {
  CheckpointListing,
  KeySource,
  PruneReport,
  RepoCheckpoint,
  RepoSnapshot,
  RepoStats,
  StoredCheckpoint,
  VerifyReport,
} from './types.js'

export type {
  CheckpointListing,
  KeySource,
  PruneReport,
  RepoCheckpoint,
  RepoSnapshot,
  RepoStats,
  StoredCheckpoint,
  VerifyProblem,
  VerifyReport,
} from './types.js'
export { MAX_BLOB_SIZE } from './format.js'

// Verify and prune are whole-repository walks few commands run: their code loads at their first call.
const verifyRepository = onDemand(async () => (await import('./verify/verify.js')).verifyRepository)
const pruneRepository = onDemand(async () => (await import('./prune/prune.js')).pruneRepository)

export interface RepositoryOptions {
  /** zstd level for this session (default 3); not stored in the repository. */
  compressionLevel?: number
  /** Target pack size in bytes (default 16 MiB). Small values are for tests. */
  packSize?: number
  /** scrypt parameters for a new passphrase key (init only; default N=2^17, r=8, p=1). */
  kdf?: KdfParams
  /** Where the files live; default: the backend the registry picks for `dir`. */
  backend?: Backend
  /**
   * Takes no lock and refuses every write: for restoring from a copy on read-only media during a disaster.
   * It does not stop a concurrent prune elsewhere, so use it on copies, not on a live repository.
   */
  readOnly?: boolean
}

/**
 * The content-addressed, compressed, encrypted store snapshot data lives in (format: FORMAT.md). Blobs go
 * into packs; packs, then index files, then snapshot files are written, each atomically, so a crash at any
 * point leaves only data no snapshot refers to. Holds a shared lock from open to close. The index is read on
 * first need, not at open: it is one file per session that wrote, and a command that only lists snapshots or
 * checkpoints (status, audit verify) never needs it.
 */
export class Repository implements BlobStore, RepoCore {
  readonly dataKey: Buffer
  readonly config: RepoConfig
  readonly packSize: number
  private loadedIndex: MasterIndex | undefined
  private indexLoading: Promise<MasterIndex> | undefined
  private readonly packer: Packer
  private readonly reader: PackReader
  /** Only a writable session has one: a read-only one compresses nothing, and loads no zstd for it. */
  private readonly compressor: Compressor | undefined
  private queue: Promise<unknown> = Promise.resolve()
  /** While set, putBlob waits: a blob deduplicated against data prune is about to delete would be lost. */
  private pruning: Promise<unknown> | undefined
  private closed = false

  private constructor(
    readonly backend: Backend,
    unlocked: Unlocked,
    private readonly lock: RepoLock | undefined,
    opts: RepositoryOptions,
  ) {
    this.dataKey = unlocked.dataKey
    this.config = unlocked.config
    this.packSize = opts.packSize ?? DEFAULT_PACK_SIZE
    this.compressor = opts.readOnly ? undefined : new Compressor(opts.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL)
    this.reader = new PackReader(backend)
    this.packer = new Packer(backend, this.dataKey, this.packSize, (r) => this.index.addWritten(r))
  }

  /** Whether `dir` holds a repository (its config file exists). Never throws for a missing directory. */
  static async exists(dir: string): Promise<boolean> {
    return (await openBackend({ path: dir }).stat({ type: 'config', name: 'config' })) !== undefined
  }

  /** Creates a repository. UserError if one exists, or if a key file would be overwritten. */
  static async init(dir: string, key: KeySource, opts: RepositoryOptions = {}): Promise<Repository> {
    assertCompressionLevel(opts.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL)
    const backend = opts.backend ?? openBackend({ path: dir })
    const unlocked = await createRepository(backend, key, opts.kdf ?? DEFAULT_KDF)
    return Repository.start(backend, unlocked, { ...opts, readOnly: false })
  }

  /**
   * UserError: not a repository ("run lastgood init"), passphrase needed, wrong passphrase or key file, key
   * file readable by others, newer format. RefusedError: prune holds the exclusive lock.
   */
  static async open(dir: string, key: KeySource, opts: RepositoryOptions = {}): Promise<Repository> {
    if (!opts.readOnly) assertCompressionLevel(opts.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL)
    const backend = opts.backend ?? openBackend({ path: dir })
    return Repository.start(backend, await unlockRepository(backend, key), opts)
  }

  private static async start(backend: Backend, unlocked: Unlocked, opts: RepositoryOptions): Promise<Repository> {
    const lock = opts.readOnly ? undefined : await RepoLock.acquire(backend, false)
    return new Repository(backend, unlocked, lock, opts)
  }

  async putBlob(type: BlobType, data: Uint8Array): Promise<BlobId> {
    this.assertWritable()
    if (data.length > MAX_BLOB_SIZE) {
      throw new RangeError(`blob of ${data.length} bytes exceeds the ${MAX_BLOB_SIZE}-byte limit; split it into chunks`)
    }
    if (this.pruning) await this.pruning.catch(() => undefined)
    await this.loadIndex()
    const id = sha256Hex(data)
    if (this.holds(id)) return id
    await this.packer.add(id, type, sealBlob(this.dataKey, this.compressor!, type, id, data), data.length)
    return id
  }

  async getBlob(id: BlobId): Promise<Uint8Array> {
    this.assertOpen()
    const pending = this.packer.pending(id)
    if (pending) return openBlob(this.dataKey, pending.entry, pending.sealed)
    return this.readBlob(id)
  }

  /** RepoCore: a durable blob only. */
  async readBlob(id: string): Promise<Buffer> {
    const index = await this.loadIndex()
    const loc = index.get(id) ?? ((await index.loadNew(this.backend, this.dataKey)) > 0 ? index.get(id) : undefined)
    if (!loc) throw new IntegrityError(id, `blob ${id} is not in repository ${this.backend.location}`)
    return openBlob(this.dataKey, loc, await this.reader.read(loc, index.packs.get(loc.packId)!.size))
  }

  async hasBlob(id: BlobId): Promise<boolean> {
    await this.loadIndex()
    return this.holds(id)
  }

  /** RepoCore: the index, once loaded; every method that reads it loads it first (loadIndex). */
  get index(): MasterIndex {
    if (!this.loadedIndex) throw new Error('the repository index was read before it was loaded')
    return this.loadedIndex
  }

  /**
   * Reads every index file, once: concurrent callers share the one load, and one that failed is tried again by
   * the next caller. What other processes write later is picked up by readBlob when it misses a blob. An index
   * a prune put in place meanwhile is newer than the one read, and stays.
   */
  async loadIndex(): Promise<MasterIndex> {
    if (this.loadedIndex) return this.loadedIndex
    this.indexLoading ??= MasterIndex.load(this.backend, this.dataKey).then(
      (index) => (this.loadedIndex ??= index),
      (err: unknown) => {
        this.indexLoading = undefined
        throw err
      },
    )
    return this.indexLoading
  }

  /**
   * Writes pending packs, then their index. After it resolves every putBlob so far is durable. If a pack
   * write ever failed in this session, it throws that failure from then on: open the repository again.
   */
  async flush(): Promise<void> {
    this.assertOpen()
    return this.serial(() => this.flushNow())
  }

  /** Flushes, then writes the snapshot (see writeSnapshot for what is checked first). */
  async saveSnapshot(s: RepoSnapshot): Promise<void> {
    this.assertWritable()
    assertSnapshot(s)
    await this.flush()
    await this.loadIndex()
    await writeSnapshot(this, s)
  }

  /** UserError for an unknown id; IntegrityError when the snapshot file is damaged. */
  async loadSnapshot(id: string): Promise<RepoSnapshot> {
    this.assertOpen()
    return loadSnapshotFile(this.backend, this.dataKey, id)
  }

  /** Sorted ids. Throws when the store cannot be listed (never mistakes that for "no snapshots"). */
  async listSnapshots(): Promise<string[]> {
    this.assertOpen()
    return (await listAll(this.backend, 'snapshot')).map((f) => f.name).sort()
  }

  /** Idempotent: removing an absent snapshot succeeds. Its data stays until prune. */
  async removeSnapshot(id: string): Promise<void> {
    this.assertWritable()
    assertSnapshotId(id)
    await this.backend.remove({ type: 'snapshot', name: id })
  }

  /**
   * Writes `checkpoints/<id>` (FORMAT.md, Checkpoints): exclusive, never replaced, never removed by prune.
   * Idempotent for the same seq and hash (the first one stored is returned). Returns the sealed bytes too, so
   * a copy kept elsewhere can be authenticated later with openCheckpoint. May be retried after a failure.
   */
  async saveCheckpoint(c: RepoCheckpoint): Promise<{ checkpoint: StoredCheckpoint; sealed: Buffer }> {
    this.assertWritable()
    return writeCheckpoint(this.backend, this.dataKey, c)
  }

  /**
   * Every checkpoint, authenticated; damaged or forged files are listed apart, not skipped. Throws when the
   * store cannot be listed (never mistakes that for "no checkpoints"). Works on read-only opens.
   */
  async listCheckpoints(): Promise<CheckpointListing> {
    this.assertOpen()
    return readCheckpoints(this.backend, this.dataKey)
  }

  /** Authenticates a copy of checkpoint `id` kept outside the repository. IntegrityError when it is not that checkpoint. */
  openCheckpoint(id: string, sealed: Uint8Array): StoredCheckpoint {
    this.assertOpen()
    return decodeCheckpoint(id, sealed, this.dataKey)
  }

  /** Checks the given snapshots (default: all). Never throws on damage: it returns problems. */
  async verify(opts: { snapshotIds?: string[]; readData: boolean }): Promise<VerifyReport> {
    this.assertOpen()
    await this.loadIndex()
    return verifyRepository(this, opts)
  }

  /**
   * Removes data no snapshot needs, under the exclusive lock (RefusedError while another process holds the
   * repository). OperationFailedError, with nothing deleted, whenever it cannot prove what is needed.
   */
  async prune(opts: { dryRun: boolean }): Promise<PruneReport> {
    this.assertWritable()
    const run = this.serial(async () => {
      await this.flushNow()
      const exclusive = await RepoLock.acquire(this.backend, true, [this.lock!.fileName])
      try {
        // Other processes may have added index files since open: prune must see all of them.
        this.loadedIndex = await MasterIndex.load(this.backend, this.dataKey)
        // The new index goes live before any old pack is deleted, so concurrent reads never miss.
        return await pruneRepository(this, opts, (index) => {
          this.loadedIndex = index
          this.reader.reset()
        })
      } finally {
        await exclusive.release()
      }
    })
    this.pruning = run
    void run
      .catch(() => undefined)
      .finally(() => {
        if (this.pruning === run) this.pruning = undefined
      })
    return run
  }

  /** Durable state only: blobs pending in memory are not counted. */
  async stats(): Promise<RepoStats> {
    this.assertOpen()
    const index = await this.loadIndex()
    let packBytes = 0
    for (const p of index.packs.values()) packBytes += p.size
    const snapshots = (await listAll(this.backend, 'snapshot')).length
    return { packs: index.packs.size, packBytes, blobs: index.blobs.size, snapshots }
  }

  /** Flushes, then releases the lock even if flushing failed (and rethrows that failure). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    try {
      if (this.lock) await this.flush()
    } finally {
      this.closed = true
      await this.lock?.release()
    }
  }

  private async flushNow(): Promise<void> {
    await this.packer.flush()
    // No index loaded: this session stored nothing, so it has nothing to describe.
    await this.loadedIndex?.saveUnsaved(this.backend, this.dataKey)
    // The data is durable at this point; a lock that cannot be refreshed only goes stale sooner.
    await this.lock?.refresh().catch(() => undefined)
  }

  /** Stored or pending; the index is loaded. */
  private holds(id: BlobId): boolean {
    return this.index.blobs.has(id) || this.packer.has(id)
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('repository is closed')
  }

  private assertWritable(): void {
    this.assertOpen()
    if (!this.lock) throw new Error('repository was opened read-only')
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }
}
