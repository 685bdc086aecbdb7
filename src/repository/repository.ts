import { IntegrityError, UserError } from '../core/errors.js'
import { AlreadyExistsError, listAll, type Backend } from './backend.js'
import { FsBackend } from './backends/fs/fs-backend.js'
import type { BlobId, BlobStore, BlobType } from './blob-store.js'
import { Compressor } from './compression.js'
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
import { pruneRepository } from './prune/prune.js'
import { manifestRefs } from './reachability.js'
import type { RepoCore } from './repo-core.js'
import { assertSnapshotId, checkShape, encodeSnapshot, loadSnapshotFile } from './snapshot-store.js'
import type { PruneReport, RepoSnapshot, RepoStats, VerifyReport, KeySource } from './types.js'
import { verifyRepository } from './verify/verify.js'

export type { KeySource, PruneReport, RepoSnapshot, RepoStats, VerifyProblem, VerifyReport } from './types.js'
export { MAX_BLOB_SIZE } from './format.js'

export interface RepositoryOptions {
  /** zstd level for this session (default 3); not stored in the repository. */
  compressionLevel?: number
  /** Target pack size in bytes (default 16 MiB). Small values are for tests. */
  packSize?: number
  /** scrypt parameters for a new passphrase key (init only). */
  kdf?: KdfParams
  /** Where the files live; default: the local directory `dir`. */
  backend?: Backend
}

/**
 * The content-addressed, compressed, encrypted store snapshot data lives in (format: FORMAT.md). Blobs go
 * into packs; packs, then index files, then snapshot files are written, each atomically, so a crash at any
 * point leaves only data no snapshot refers to. Holds a shared lock from open to close.
 */
export class Repository implements BlobStore, RepoCore {
  readonly dataKey: Buffer
  readonly config: RepoConfig
  readonly packSize: number
  index: MasterIndex
  private readonly packer: Packer
  private readonly reader: PackReader
  private readonly compressor: Compressor
  private serialQueue: Promise<unknown> = Promise.resolve()
  private closed = false

  private constructor(
    readonly backend: Backend,
    unlocked: Unlocked,
    index: MasterIndex,
    private readonly lock: RepoLock,
    opts: RepositoryOptions,
  ) {
    this.dataKey = unlocked.dataKey
    this.config = unlocked.config
    this.index = index
    this.packSize = opts.packSize ?? DEFAULT_PACK_SIZE
    this.compressor = new Compressor(opts.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL)
    this.reader = new PackReader(backend)
    this.packer = new Packer(backend, this.dataKey, this.packSize, (r) => this.index.addWritten(r))
  }

  /** Whether `dir` holds a repository (its config file exists). Never throws for a missing directory. */
  static async exists(dir: string): Promise<boolean> {
    return (await new FsBackend(dir).stat({ type: 'config', name: 'config' })) !== undefined
  }

  /** Creates a repository. UserError if one exists, or if a key file would be overwritten. */
  static async init(dir: string, key: KeySource, opts: RepositoryOptions = {}): Promise<Repository> {
    new Compressor(opts.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL) // bad level: refuse before creating anything
    const backend = opts.backend ?? new FsBackend(dir)
    const unlocked = await createRepository(backend, key, opts.kdf ?? DEFAULT_KDF)
    return Repository.start(backend, unlocked, opts)
  }

  /**
   * Opens a repository. UserError: not a repository ("run lastgood init"), passphrase needed, wrong passphrase
   * or key file, key file readable by others. RefusedError: prune holds the exclusive lock.
   */
  static async open(dir: string, key: KeySource, opts: RepositoryOptions = {}): Promise<Repository> {
    new Compressor(opts.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL)
    const backend = opts.backend ?? new FsBackend(dir)
    return Repository.start(backend, await unlockRepository(backend, key), opts)
  }

  private static async start(backend: Backend, unlocked: Unlocked, opts: RepositoryOptions): Promise<Repository> {
    const lock = await RepoLock.acquire(backend, false)
    try {
      return new Repository(backend, unlocked, await MasterIndex.load(backend, unlocked.dataKey), lock, opts)
    } catch (err) {
      await lock.release()
      throw err
    }
  }

  async putBlob(type: BlobType, data: Uint8Array): Promise<BlobId> {
    this.assertOpen()
    if (data.length > MAX_BLOB_SIZE) {
      throw new RangeError(`blob of ${data.length} bytes exceeds the ${MAX_BLOB_SIZE}-byte limit; split it into chunks`)
    }
    const id = sha256Hex(data)
    if (this.hasBlob(id)) return id
    await this.packer.add(id, type, sealBlob(this.dataKey, this.compressor, type, id, data), data.length)
    return id
  }

  async getBlob(id: BlobId): Promise<Uint8Array> {
    this.assertOpen()
    const pending = this.packer.pending(id)
    if (pending) return openBlob(this.dataKey, pending.entry, pending.sealed)
    return this.readBlob(id)
  }

  async readBlob(id: string): Promise<Buffer> {
    const loc = this.index.get(id)
    if (!loc) throw new IntegrityError(id, `blob ${id} is not in repository ${this.backend.location}`)
    const sealed = await this.reader.read(loc, this.index.packs.get(loc.packId)!.size)
    return openBlob(this.dataKey, loc, sealed)
  }

  hasBlob(id: BlobId): boolean {
    return this.index.blobs.has(id) || this.packer.has(id)
  }

  /** Writes pending packs, then their index. After it resolves every putBlob so far is durable. */
  flush(): Promise<void> {
    this.assertOpen()
    return this.serial(async () => {
      await this.packer.flush()
      await this.index.saveUnsaved(this.backend, this.dataKey)
      await this.lock.refresh()
    })
  }

  /**
   * Flushes, checks that every manifest and every blob it refers to is stored, then writes the snapshot.
   * Idempotent for an identical snapshot; UserError if a different snapshot has this id.
   */
  async saveSnapshot(s: RepoSnapshot): Promise<void> {
    assertSnapshotId(s.id)
    const shape = checkShape(s)
    if (shape) throw new UserError(`snapshot ${s.id} is malformed: ${shape}`)
    await this.flush()
    for (const c of s.components) {
      let refs: string[]
      try {
        refs = manifestRefs(await this.readBlob(c.manifest))
      } catch (err) {
        if (err instanceof IntegrityError) throw err
        throw new Error(`manifest ${c.manifest} of component ${c.name} ${(err as Error).message}`)
      }
      for (const ref of refs) {
        if (!this.index.blobs.has(ref)) {
          throw new IntegrityError(ref, `blob ${ref} needed by component ${c.name} of snapshot ${s.id} is not stored`)
        }
      }
    }
    try {
      await this.backend.save({ type: 'snapshot', name: s.id }, encodeSnapshot(s, this.dataKey), { exclusive: true })
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err
      const existing = await this.loadSnapshot(s.id)
      if (JSON.stringify(existing) !== JSON.stringify(s)) throw new UserError(`snapshot ${s.id} already exists with other content`)
    }
  }

  /** UserError for an unknown id; IntegrityError when the snapshot file is damaged. */
  loadSnapshot(id: string): Promise<RepoSnapshot> {
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
    this.assertOpen()
    assertSnapshotId(id)
    await this.backend.remove({ type: 'snapshot', name: id })
  }

  /** Checks the given snapshots (default: all). Never throws on damage: it returns problems. */
  verify(opts: { snapshotIds?: string[]; readData: boolean }): Promise<VerifyReport> {
    this.assertOpen()
    return verifyRepository(this, opts)
  }

  /** Removes data no snapshot needs, under the exclusive lock. Refuses (deletes nothing) when in doubt. */
  prune(opts: { dryRun: boolean }): Promise<PruneReport> {
    this.assertOpen()
    return this.serial(async () => {
      await this.packer.flush()
      await this.index.saveUnsaved(this.backend, this.dataKey)
      const exclusive = await RepoLock.acquire(this.backend, true, [this.lock.fileName])
      try {
        this.index = await MasterIndex.load(this.backend, this.dataKey)
        const { report, index } = await pruneRepository(this, opts)
        if (index) {
          this.index = index
          this.reader.reset()
        }
        return report
      } finally {
        await exclusive.release()
      }
    })
  }

  /** Durable state only: blobs pending in memory are not counted. */
  async stats(): Promise<RepoStats> {
    this.assertOpen()
    let packBytes = 0
    for (const p of this.index.packs.values()) packBytes += p.size
    const snapshots = (await listAll(this.backend, 'snapshot')).length
    return { packs: this.index.packs.size, packBytes, blobs: this.index.blobs.size, snapshots }
  }

  /** Flushes, then releases the lock even if flushing failed (and rethrows that failure). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.flush()
    } finally {
      this.closed = true
      await this.lock.release()
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('repository is closed')
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serialQueue.then(fn, fn)
    this.serialQueue = run.catch(() => undefined)
    return run
  }
}
