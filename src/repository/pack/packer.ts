import type { Backend } from '../backend.js'
import type { BlobType } from '../blob-store.js'
import type { PackRecord } from '../index/index-file.js'
import { PackBuilder } from './pack-builder.js'
import type { PackEntry } from './pack-header.js'
import { messageOf } from '../../core/errors.js'

/** Packs being written at once before add() waits: memory holds these and the one being filled. */
const MAX_WRITING = 2

/**
 * Fills packs and writes each one when it reaches the target size. Blobs in a pack that is not yet durable
 * stay readable from memory. When a pack write fails its blobs are forgotten and the failure is kept: every
 * later flush() rethrows it, so no snapshot can be saved that refers to blobs that never reached storage.
 */
export class Packer {
  private current = new PackBuilder()
  private readonly unwritten = new Set<PackBuilder>()
  private readonly writes = new Set<Promise<void>>()
  private failure: Error | undefined

  constructor(
    private readonly backend: Backend,
    private readonly dataKey: Uint8Array,
    private readonly targetSize: number,
    private readonly onWritten: (r: PackRecord) => void,
  ) {}

  has(id: string): boolean {
    for (const b of this.unwritten) if (b.has(id)) return true
    return this.current.has(id)
  }

  pending(id: string): { entry: PackEntry; sealed: Buffer } | undefined {
    for (const b of this.unwritten) {
      const hit = b.get(id)
      if (hit) return hit
    }
    return this.current.get(id)
  }

  /**
   * Synchronously claims the id (so concurrent callers deduplicate), then writes the pack if it is full.
   * While MAX_WRITING packs are being written, it waits for one to finish: concurrent writers (a capture
   * reads several files at once) would otherwise fill pack after pack in memory faster than storage takes them.
   */
  async add(id: string, type: BlobType, sealed: Buffer, rawLength: number): Promise<void> {
    this.current.add(id, type, sealed, rawLength)
    if (this.current.bytes >= this.targetSize) return this.writeCurrent()
    while (this.writes.size >= MAX_WRITING) await Promise.race(this.writes)
  }

  /** Writes the partial pack and waits for every write in progress. Throws the first failure of this session. */
  async flush(): Promise<void> {
    if (this.current.count > 0) await this.writeCurrent().catch(() => undefined)
    await Promise.allSettled([...this.writes])
    if (this.failure) throw this.failure
  }

  get failed(): Error | undefined {
    return this.failure
  }

  private writeCurrent(): Promise<void> {
    const builder = this.current
    this.current = new PackBuilder()
    this.unwritten.add(builder)
    const write = this.write(builder)
    const tracked = write.catch(() => undefined)
    this.writes.add(tracked)
    void tracked.finally(() => this.writes.delete(tracked))
    return write
  }

  private async write(builder: PackBuilder): Promise<void> {
    try {
      const pack = builder.finish(this.dataKey)
      await this.backend.save({ type: 'pack', name: pack.id }, pack.bytes)
      this.onWritten({ id: pack.id, size: pack.bytes.length, blobs: pack.entries })
    } catch (err) {
      this.failure ??= new Error(
        `writing a pack to ${this.backend.location} failed (${messageOf(err)}); ` +
          `${builder.count} blobs of this session were not stored; open the repository again and retry`,
        { cause: err },
      )
      throw this.failure
    } finally {
      this.unwritten.delete(builder)
    }
  }
}
