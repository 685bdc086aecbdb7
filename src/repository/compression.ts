import { createRequire } from 'node:module'
import type * as Zstd from 'zstd-napi/binding.js'
import { messageOf, UserError } from '../core/errors.js'

/**
 * zstd with the two guarantees the repository needs: a blob is stored raw unless compression actually
 * shrinks it, and decompression writes into a buffer of exactly the recorded size, so a blob that would
 * expand beyond it (a decompression bomb) fails instead of allocating.
 */

export const FLAG_RAW = 0
export const FLAG_ZSTD = 1

let binding: typeof Zstd | undefined

/** The native binding, loaded (synchronously: it is CommonJS) by the first use: most commands touch no blob. */
function zstd(): typeof Zstd {
  return (binding ??= createRequire(import.meta.url)('zstd-napi/binding.js') as typeof Zstd)
}

/** Below this, the zstd frame overhead makes compression pointless. */
const MIN_COMPRESS = 64

export interface Encoded {
  flag: number
  payload: Uint8Array
}

/** UserError for a level zstd does not have; checked before init or open changes anything. */
export function assertCompressionLevel(level: number): void {
  const min = zstd().minCLevel()
  const max = zstd().maxCLevel()
  if (!Number.isInteger(level) || level < min || level > max) {
    throw new UserError(`compression level ${level} is out of range: use an integer from ${min} to ${max}`)
  }
}

export class Compressor {
  private readonly cctx = new (zstd().CCtx)()
  /** Reused by every encode: a fresh destination per blob was a third of a capture's garbage. */
  private scratch = Buffer.alloc(0)

  constructor(private readonly level: number) {
    assertCompressionLevel(level)
  }

  /**
   * A compressed payload is a view of a buffer the next encode() overwrites: use it (seal it) before encoding
   * anything else. A raw payload is `data` itself.
   */
  encode(data: Uint8Array): Encoded {
    if (data.length < MIN_COMPRESS) return { flag: FLAG_RAW, payload: data }
    if (this.scratch.length < data.length - 1) this.scratch = Buffer.allocUnsafeSlow(Math.max(data.length - 1, 64 * 1024))
    // A destination one byte smaller than the input: zstd fails when it would not shrink the data.
    const dst = this.scratch.subarray(0, data.length - 1)
    try {
      const n = this.cctx.compress(dst, data, this.level)
      return { flag: FLAG_ZSTD, payload: dst.subarray(0, n) }
    } catch {
      return { flag: FLAG_RAW, payload: data }
    }
  }
}

let dctx: Zstd.DCtx | undefined

/**
 * Decodes a payload that must expand to exactly `rawLength` bytes (the caller has already bounded it).
 * Throws a plain Error saying why; the caller names the object.
 */
export function decode(flag: number, payload: Uint8Array, rawLength: number): Buffer {
  if (flag === FLAG_RAW) {
    if (payload.length !== rawLength) throw new Error(`raw payload has ${payload.length} bytes, index says ${rawLength}`)
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  }
  if (flag !== FLAG_ZSTD) throw new Error(`unknown encoding flag ${flag}`)
  const out = Buffer.allocUnsafe(rawLength)
  let n: number
  try {
    n = (dctx ??= new (zstd().DCtx)()).decompress(out, payload)
  } catch (err) {
    throw new Error(`zstd payload does not decompress to ${rawLength} bytes (${messageOf(err)})`, { cause: err })
  }
  if (n !== rawLength) throw new Error(`zstd payload decompressed to ${n} bytes, index says ${rawLength}`)
  return out
}
