import { createHash } from 'node:crypto'
import { IntegrityError } from '../../src/core/errors.js'
import type { BlobId, BlobStore, BlobType } from '../../src/repository/blob-store.js'

/**
 * A BlobStore kept in memory for provider tests until the real repository exists. Honours the contract that
 * matters to providers: ids are SHA-256 of the bytes, storing twice stores once, and every read is hash-checked
 * (a damaged or missing blob is an IntegrityError naming it). `tamper` lets a test damage a blob on purpose.
 */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<BlobId, { type: BlobType; data: Uint8Array }>()
  puts = 0

  async putBlob(type: BlobType, data: Uint8Array): Promise<BlobId> {
    this.puts++
    const id = sha256(data)
    // Copy: the caller may reuse its buffer.
    if (!this.blobs.has(id)) this.blobs.set(id, { type, data: Uint8Array.from(data) })
    return id
  }

  async getBlob(id: BlobId): Promise<Uint8Array> {
    const blob = this.blobs.get(id)
    if (!blob) throw new IntegrityError(id, `blob ${id} is missing`)
    if (sha256(blob.data) !== id) throw new IntegrityError(id, `blob ${id} is damaged`)
    return Uint8Array.from(blob.data)
  }

  async hasBlob(id: BlobId): Promise<boolean> {
    return this.blobs.has(id)
  }

  get size(): number {
    return this.blobs.size
  }

  typeOf(id: BlobId): BlobType | undefined {
    return this.blobs.get(id)?.type
  }

  /** Replaces a blob's bytes without changing its id, as damage on disk would. */
  tamper(id: BlobId, data: Uint8Array): void {
    const blob = this.blobs.get(id)
    if (blob) blob.data = data
  }

  /** Stores bytes under an id of the test's choosing, so a crafted manifest can name chunks that "exist". */
  plant(id: BlobId, data: Uint8Array): void {
    this.blobs.set(id, { type: 'data', data })
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
