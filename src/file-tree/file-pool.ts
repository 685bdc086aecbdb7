import { Worker } from 'node:worker_threads'
import { FILE_WORKER_SOURCE } from './file-worker-source.js'
import { CHUNK_SIZE, type Owner } from './tree-entry.js'
import { POOL_BATCH_BYTES, POOL_BATCH_FILES } from './work-units.js'

const POOL_START = 2
const POOL_MAX = 4
const SLOW_BATCHES = 4

interface Reply {
  seq: number
  results: unknown[]
  /** Time the worker spent on the message. */
  ms: number
}

interface Pending {
  worker: Worker
  op: string
  files: number
  bytes: number
  resolve: (r: unknown[]) => void
  reject: (e: Error) => void
}

/** What a worker answers for one file (file-worker-source.ts). */
export type PoolResult<T> = { ok: T } | { fallback: true } | { error: NodeJS.ErrnoException }

export interface PoolDirEntry {
  /** A string when valid UTF-8, else the raw bytes. */
  name: string | Uint8Array
  /** Directory, regular file, symlink, or other (socket, FIFO, device). */
  kind: 'd' | 'f' | 'l' | 'o'
  /** Permission bits. */
  mode: number
  size: number
  uid: number
  gid: number
  /** Files only. */
  ino?: string
  mtimeNs?: string
  ctimeNs?: string
  target?: string | Uint8Array
}

export interface PoolRead {
  bytes: number
  steady: boolean
  ino: string
  mtimeNs: string
  ctimeNs: string
  /** SHA-256 and content; absent for an empty file. `data` is valid only until the read's `use` settles. */
  id?: string
  data?: Buffer
}

/** The smallest slab: any batch of small files fits, with a byte of room per file (work-units.ts). */
const SLAB_BYTES = POOL_BATCH_BYTES + POOL_BATCH_FILES
/** Slabs kept for reuse once returned; more may be out at once (one per message in flight). */
const SLABS_KEPT = 8

/**
 * Worker threads doing the per-file work of small files (below one chunk) with blocking calls, for capture,
 * compare and restore. A release is ~20k files of a few KiB: the four or five asynchronous calls each one
 * costs on the main thread took longer than everything else a capture does, and blocking calls there would
 * stall timers (lock renewal) whenever the disk is slow. Here they block only a worker, several files run
 * at once (one per worker), and the main thread is free for compression and encryption. Content passes
 * through reused shared memory, so 200 MB read leave no 200 MB of garbage behind for the collector.
 *
 * Open with withFilePool, which terminates the workers whatever happens: no thread outlives the operation.
 */
export class FilePool {
  private seq = 0
  private readonly pending = new Map<number, Pending>()
  private readonly load = new Map<Worker, number>()
  private failure: Error | undefined
  /** Shared memory for file content, lent to one message at a time and reused: no buffer per file. */
  private readonly slabs: SharedArrayBuffer[] = []

  private readonly workers: Worker[] = []
  /** Batches that waited for the disk (observe). */
  private slow = 0

  private constructor(
    size: number,
    private readonly maxSize: number,
  ) {
    for (let i = 0; i < size; i++) this.spawn()
  }

  /**
   * Two workers to start with, four once the disk shows it is the bottleneck (grow()): on a cold page cache
   * workers mostly wait, and four reads in flight read a release three times faster than two (measured on
   * 2 cores); on a warm one the extra threads only take CPU from the main thread.
   */
  static open(size = POOL_START, maxSize = Math.max(size, POOL_MAX)): FilePool {
    return new FilePool(size, maxSize)
  }

  /**
   * Reads each file whole, with its SHA-256 and stamp, into shared memory lent for the call: `use` gets the
   * results, and the content views die when it settles (copy what must live longer; a BlobStore's putBlob
   * is done with its input when it resolves). `size` is what the walk saw: a file that has grown beyond it
   * since comes back as fallback.
   */
  async read<T>(files: { abs: string; size: number }[], use: (results: PoolResult<PoolRead>[]) => Promise<T>): Promise<T> {
    let offset = 0
    const placed = files.map((f) => {
      const at = { abs: f.abs, offset, room: f.size + 1 }
      offset += f.size + 1
      return at
    })
    const slab = this.takeSlab(offset)
    try {
      const raw = (await this.send('read', placed, slab, offset)) as PoolRead[]
      const results = raw.map((r, k) =>
        wrap(r, (ok) => ({ ...ok, data: ok.id ? Buffer.from(slab, placed[k]!.offset, ok.bytes) : undefined })),
      )
      return await use(results)
    } finally {
      this.giveSlab(slab)
    }
  }

  /** Whether each file holds exactly `size` bytes hashing to `id` (no id for an empty file). */
  async hash(files: { abs: string; size: number; id: string | undefined }[]): Promise<PoolResult<boolean>[]> {
    const raw = (await this.send(
      'hash',
      files,
      undefined,
      files.reduce((sum, f) => sum + f.size, 0),
    )) as { same: boolean }[]
    return raw.map((r) => wrap(r, (ok) => ok.same))
  }

  /** Creates each file (O_EXCL) with `data`, then its owner when given, `mode`, fsync when asked. `data` is copied first. */
  async write(files: { abs: string; mode: number; owner?: Owner; data: Uint8Array; fsync: boolean }[]): Promise<PoolResult<true>[]> {
    const slab = this.takeSlab(files.reduce((sum, f) => sum + f.data.length, 0))
    try {
      const view = new Uint8Array(slab)
      let offset = 0
      const placed = files.map((f) => {
        view.set(f.data, offset)
        const at = { abs: f.abs, mode: f.mode, ...f.owner, offset, length: f.data.length, fsync: f.fsync }
        offset += f.data.length
        return at
      })
      const raw = (await this.send('write', placed, slab)) as object[]
      return raw.map((r) => wrap(r, () => true as const))
    } finally {
      this.giveSlab(slab)
    }
  }

  /** Each directory's entries as lstat sees them; names and link targets as raw bytes. */
  async list(dirs: string[]): Promise<PoolResult<PoolDirEntry[]>[]> {
    const raw = (await this.send(
      'list',
      dirs.map((abs) => ({ abs })),
    )) as { entries: PoolDirEntry[] }[]
    return raw.map((r) => wrap(r, (ok) => ok.entries))
  }

  get size(): number {
    return this.workers.length
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the file pool is closed')
    await Promise.all(this.workers.map((w) => w.terminate()))
  }

  private spawn(): void {
    const w = new Worker(FILE_WORKER_SOURCE, { eval: true })
    this.workers.push(w)
    this.load.set(w, 0)
    w.on('message', (m: Reply) => this.settle(m))
    w.on('error', (err) => this.fail(err))
    w.on('exit', (code) => this.fail(new Error(`a file worker exited (code ${code})`)))
  }

  /**
   * Adds workers, up to the maximum, once a few batches of files took far longer than the page cache needs
   * for them (about 50 µs a file and 300 MB/s): the workers are waiting for the disk, so more of them help.
   * A few, because a worker's first batch also pays for its start.
   */
  private observe(op: string, files: number, bytes: number, ms: number): void {
    if ((op !== 'read' && op !== 'hash') || this.workers.length >= this.maxSize || this.failure) return
    if (ms > 5 && ms > 3 * (files * 0.05 + bytes / 300_000) && ++this.slow >= SLOW_BATCHES) {
      while (this.workers.length < this.maxSize) this.spawn()
    }
  }

  private takeSlab(bytes: number): SharedArrayBuffer {
    const i = this.slabs.findIndex((s) => s.byteLength >= bytes)
    if (i >= 0) return this.slabs.splice(i, 1)[0]!
    return new SharedArrayBuffer(Math.max(bytes, SLAB_BYTES))
  }

  private giveSlab(slab: SharedArrayBuffer): void {
    if (this.slabs.length < SLABS_KEPT) this.slabs.push(slab)
  }

  private send(op: string, files: object[], slab?: SharedArrayBuffer, bytes = 0): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure)
    const worker = [...this.load.entries()].reduce((a, b) => (b[1] < a[1] ? b : a))[0]
    const seq = ++this.seq
    this.load.set(worker, this.load.get(worker)! + 1)
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { worker, op, files: files.length, bytes, resolve, reject })
      worker.postMessage({ seq, op, chunkSize: CHUNK_SIZE, slab, files })
    })
  }

  private settle({ seq, results, ms }: Reply): void {
    const p = this.pending.get(seq)
    if (!p) return
    this.pending.delete(seq)
    this.load.set(p.worker, this.load.get(p.worker)! - 1)
    this.observe(p.op, p.files, p.bytes, ms)
    p.resolve(results)
  }

  private fail(err: Error): void {
    this.failure ??= err
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq)
      p.reject(this.failure)
    }
  }
}

/** Runs `fn` with a fresh pool and terminates it afterwards, whether `fn` succeeded or not. */
export async function withFilePool<T>(fn: (pool: FilePool) => Promise<T>): Promise<T> {
  const pool = FilePool.open()
  try {
    return await fn(pool)
  } finally {
    await pool.close()
  }
}

function wrap<R, T>(r: R | { fallback: true } | { error: { code?: string; message: string } }, ok: (r: R) => T): PoolResult<T> {
  if (typeof r === 'object' && r !== null && 'fallback' in r) return { fallback: true }
  if (typeof r === 'object' && r !== null && 'error' in r) {
    const err: NodeJS.ErrnoException = new Error(r.error.message)
    if (r.error.code) err.code = r.error.code
    return { error: err }
  }
  return { ok: ok(r) }
}
