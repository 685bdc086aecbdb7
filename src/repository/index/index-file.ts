import { aad } from '../format.js'
import { isHex64, seal, sha256Hex, unseal } from '../crypto/seal.js'
import type { PackEntry } from '../pack/pack-header.js'
import { parseStoredJson } from '../stored-json.js'

/**
 * `index/<id>`: sealed JSON `{"version":1,"packs":[{"id","size","blobs":[{"id","type","offset","length",
 * "rawLength"}]}]}`, named by the SHA-256 of the file bytes. Written after the packs it describes are durable;
 * several index files may describe the same pack (they agree, since a pack is immutable).
 */

export interface PackRecord {
  id: string
  /** Size of the pack file in bytes; verify compares it with the stored file. */
  size: number
  blobs: PackEntry[]
}

/** Keeps each index file far below string and memory limits, however large the repository grows. */
const MAX_BLOBS_PER_FILE = 50_000

export interface EncodedIndex {
  id: string
  bytes: Buffer
}

export function encodeIndexFiles(packs: PackRecord[], dataKey: Uint8Array): EncodedIndex[] {
  const files: EncodedIndex[] = []
  let batch: PackRecord[] = []
  let count = 0
  const emit = (): void => {
    const plain = Buffer.from(JSON.stringify({ version: 1, packs: batch }))
    const bytes = seal(dataKey, aad.index(), plain)
    files.push({ id: sha256Hex(bytes), bytes })
    batch = []
    count = 0
  }
  for (const p of packs) {
    if (count > 0 && count + p.blobs.length > MAX_BLOBS_PER_FILE) emit()
    batch.push(p)
    count += p.blobs.length
  }
  if (batch.length > 0) emit()
  return files
}

/** Returns the packs an index file describes; throws a plain Error saying what is wrong with it. */
export function decodeIndexFile(name: string, bytes: Uint8Array, dataKey: Uint8Array): PackRecord[] {
  if (sha256Hex(bytes) !== name) throw new Error('content does not hash to its name')
  const plain = unseal(dataKey, aad.index(), bytes)
  if (!plain) throw new Error('failed authentication')
  const doc = parseStoredJson(plain) as { version?: unknown; packs?: unknown } | null
  if (doc?.version !== 1 || !Array.isArray(doc.packs)) throw new Error('is not a version 1 index')
  return doc.packs.map((p) => checkPack(p as PackRecord))
}

function checkPack(p: PackRecord): PackRecord {
  if (!isHex64(p?.id) || !isUint(p.size) || !Array.isArray(p.blobs)) throw new Error('has a malformed pack entry')
  for (const b of p.blobs) {
    const okType = b?.type === 'data' || b?.type === 'tree'
    if (!isHex64(b?.id) || !okType || !isUint(b.offset) || !isUint(b.length) || !isUint(b.rawLength)) {
      throw new Error(`has a malformed blob entry in pack ${p.id}`)
    }
    if (b.offset + b.length > p.size) throw new Error(`places blob ${b.id} past the end of pack ${p.id}`)
  }
  return {
    id: p.id,
    size: p.size,
    blobs: p.blobs.map((b) => ({ id: b.id, type: b.type, offset: b.offset, length: b.length, rawLength: b.rawLength })),
  }
}

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}
