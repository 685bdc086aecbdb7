import type { BlobType } from '../blob-store.js'
import { aad } from '../format.js'
import { seal, unseal } from '../crypto/seal.js'

/**
 * Where each blob sits in its pack. The same record is kept in index files; the copy sealed at the end of
 * each pack lets a lost index be rebuilt from the packs alone.
 *
 * Header plaintext: n × 45-byte entries, each `type u8 (0 data, 1 tree) ‖ offset u32le ‖ length u32le ‖
 * rawLength u32le ‖ id 32 bytes`. Pack tail: `sealed header ‖ sealed header length u32le`.
 */

export interface PackEntry {
  id: string
  type: BlobType
  /** Byte offset of the sealed blob in the pack. */
  offset: number
  /** Length of the sealed blob (nonce + ciphertext + tag). */
  length: number
  /** Length of the plaintext blob, the decompression cap. */
  rawLength: number
}

export const ENTRY_SIZE = 45
export const TAIL_LENGTH_SIZE = 4

export function encodeHeader(entries: PackEntry[], dataKey: Uint8Array): Buffer {
  const plain = Buffer.alloc(entries.length * ENTRY_SIZE)
  entries.forEach((e, i) => {
    const o = i * ENTRY_SIZE
    plain.writeUInt8(e.type === 'tree' ? 1 : 0, o)
    plain.writeUInt32LE(e.offset, o + 1)
    plain.writeUInt32LE(e.length, o + 5)
    plain.writeUInt32LE(e.rawLength, o + 9)
    plain.write(e.id, o + 13, 32, 'hex')
  })
  const sealed = seal(dataKey, aad.packHeader(), plain)
  const len = Buffer.alloc(TAIL_LENGTH_SIZE)
  len.writeUInt32LE(sealed.length)
  return Buffer.concat([sealed, len])
}

/** Reads the header of a whole pack. Throws a plain Error saying what is wrong; the caller names the pack. */
export function decodeHeader(pack: Uint8Array, dataKey: Uint8Array): PackEntry[] {
  const buf = Buffer.from(pack.buffer, pack.byteOffset, pack.byteLength)
  if (buf.length < TAIL_LENGTH_SIZE) throw new Error('pack is too short to hold a header')
  const sealedLength = buf.readUInt32LE(buf.length - TAIL_LENGTH_SIZE)
  const start = buf.length - TAIL_LENGTH_SIZE - sealedLength
  if (start < 0) throw new Error('pack header length points before the start of the pack')
  const plain = unseal(dataKey, aad.packHeader(), buf.subarray(start, buf.length - TAIL_LENGTH_SIZE))
  if (!plain || plain.length % ENTRY_SIZE !== 0) throw new Error('pack header failed authentication')
  const entries: PackEntry[] = []
  for (let o = 0; o < plain.length; o += ENTRY_SIZE) {
    const type = plain.readUInt8(o)
    if (type > 1) throw new Error(`pack header has unknown blob type ${type}`)
    const e: PackEntry = {
      type: type === 1 ? 'tree' : 'data',
      offset: plain.readUInt32LE(o + 1),
      length: plain.readUInt32LE(o + 5),
      rawLength: plain.readUInt32LE(o + 9),
      id: plain.toString('hex', o + 13, o + 45),
    }
    if (e.offset + e.length > start) throw new Error(`pack header places blob ${e.id} past the blob area`)
    entries.push(e)
  }
  return entries
}
