import type { BlobType } from '../blob-store.js'
import { sha256Hex } from '../crypto/seal.js'
import { encodeHeader, type PackEntry } from './pack-header.js'

export interface FinishedPack {
  id: string
  bytes: Buffer
  entries: PackEntry[]
}

/**
 * One pack being filled in memory: sealed blobs appended one after another. Memory is bounded by the
 * target pack size plus one blob. Sealed blobs are opaque here; their AAD does not depend on their position,
 * which is what lets prune copy them into a new pack without decrypting.
 */
export class PackBuilder {
  private readonly parts: Buffer[] = []
  private readonly byId = new Map<string, { entry: PackEntry; sealed: Buffer }>()
  private size = 0
  private blobs = 0

  get bytes(): number {
    return this.size
  }

  get count(): number {
    return this.blobs
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  /** The entry and sealed bytes of a blob added to this pack, for reads before the pack is written. */
  get(id: string): { entry: PackEntry; sealed: Buffer } | undefined {
    return this.byId.get(id)
  }

  ids(): string[] {
    return [...this.byId.keys()]
  }

  add(id: string, type: BlobType, sealed: Buffer, rawLength: number): PackEntry {
    const entry: PackEntry = { id, type, offset: this.size, length: sealed.length, rawLength }
    this.parts.push(sealed)
    this.blobs++
    this.byId.set(id, { entry, sealed })
    this.size += sealed.length
    return entry
  }

  /** Appends the sealed header and names the pack by the SHA-256 of its bytes. */
  finish(dataKey: Uint8Array): FinishedPack {
    const entries = [...this.byId.values()].map((v) => v.entry)
    const bytes = Buffer.concat([...this.parts, encodeHeader(entries, dataKey)])
    // Reads before the pack is durable are served from the pack's own bytes from now on, so the pieces it
    // was built from can be freed while it is written: one copy of a pack in memory, not two.
    for (const v of this.byId.values()) v.sealed = bytes.subarray(v.entry.offset, v.entry.offset + v.entry.length)
    this.parts.length = 0
    return { id: sha256Hex(bytes), bytes, entries }
  }
}
