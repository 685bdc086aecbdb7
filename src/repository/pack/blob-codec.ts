import { IntegrityError, messageOf } from '../../core/errors.js'
import type { BlobType } from '../blob-store.js'
import { decode, type Compressor } from '../compression.js'
import { aad, MAX_BLOB_SIZE } from '../format.js'
import { SEAL_OVERHEAD, seal, sha256Hex, unseal } from '../crypto/seal.js'

/**
 * One blob on disk: `seal(dataKey, "lastgood/v1/blob/<type>/<id>", flag u8 ‖ payload)`, flag 0 = raw,
 * 1 = zstd. Reading it back goes through three gates, in order: authentication (AEAD, bound to type and id),
 * decompression into exactly the recorded raw length (at most MAX_BLOB_SIZE), and the SHA-256 of the result.
 */

export function sealBlob(dataKey: Uint8Array, compressor: Compressor, type: BlobType, id: string, data: Uint8Array): Buffer {
  const { flag, payload } = compressor.encode(data)
  return seal(dataKey, aad.blob(type, id), Buffer.of(flag), payload)
}

export interface BlobRef {
  id: string
  type: BlobType
  rawLength: number
  /** Where the blob was read from, for the error message. */
  packId?: string
}

/** Returns the verified plaintext or throws IntegrityError naming the blob. */
export function openBlob(dataKey: Uint8Array, ref: BlobRef, sealed: Uint8Array): Buffer {
  const where = ref.packId ? ` in pack ${ref.packId}` : ''
  if (ref.rawLength > MAX_BLOB_SIZE) {
    throw new IntegrityError(
      ref.id,
      `blob ${ref.id}${where} claims ${ref.rawLength} bytes, above the ${MAX_BLOB_SIZE}-byte limit; refusing to decompress it`,
    )
  }
  if (sealed.length < SEAL_OVERHEAD + 1) {
    throw new IntegrityError(ref.id, `blob ${ref.id}${where} is truncated (${sealed.length} bytes)`)
  }
  const plain = unseal(dataKey, aad.blob(ref.type, ref.id), sealed)
  if (!plain) {
    throw new IntegrityError(
      ref.id,
      `blob ${ref.id}${where} failed authentication: it was damaged, or it is not the ${ref.type} blob stored under this id`,
    )
  }
  let data: Buffer
  try {
    data = decode(plain[0]!, plain.subarray(1), ref.rawLength)
  } catch (err) {
    throw new IntegrityError(ref.id, `blob ${ref.id}${where} is refused: ${messageOf(err)}`)
  }
  if (sha256Hex(data) !== ref.id) {
    throw new IntegrityError(ref.id, `blob ${ref.id}${where} does not hash to its id`)
  }
  return data
}
