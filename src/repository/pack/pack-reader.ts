import { IntegrityError } from '../../core/errors.js'
import { NotFoundError, type Backend } from '../backend.js'
import type { BlobLocation } from '../index/master-index.js'

/** Bytes read at once from a pack while reads go forward through it; the next blobs are usually in the span. */
const WINDOW = 1024 * 1024
/** Read ahead after a jump: a lone blob (a file changed since the snapshot most blobs come from) costs little. */
const NEAR = 32 * 1024
/** Spans kept: a restore reads several files at once (eight batches), each from its own part of a pack. */
const WINDOWS = 16

interface Window {
  packId: string
  offset: number
  length: number
  bytes: Promise<Uint8Array>
}

/**
 * Reads one sealed blob out of its pack. The first read of a pack in a session also compares the stored
 * size with the index, so a pack that was truncated or had bytes appended is refused even when the blob's
 * own range is intact.
 *
 * A blob smaller than WINDOW is served from a span read from its offset on, kept for the blobs that follow:
 * a release restore reads 20k small blobs, mostly in the order they were packed, and one read per blob (open,
 * read, close of the pack file) was most of its time. The span is WINDOW long when the read continues where
 * a kept span of that pack ends, and only NEAR past the blob after a jump, so scattered blobs (the files
 * changed since the snapshot most others come from) do not each cost a megabyte. The span holds sealed
 * bytes only; every blob is still authenticated and hashed by the caller; memory stays at WINDOWS × WINDOW.
 */
export class PackReader {
  private readonly sizeChecked = new Set<string>()
  /** Most recently used last. */
  private windows: Window[] = []

  constructor(private readonly backend: Backend) {}

  async read(loc: BlobLocation, packSize: number): Promise<Uint8Array> {
    const where = `blob ${loc.id} in pack ${loc.packId}`
    if (!this.sizeChecked.has(loc.packId)) {
      const info = await this.backend.stat({ type: 'pack', name: loc.packId })
      if (!info) throw new IntegrityError(loc.id, `pack ${loc.packId} holding blob ${loc.id} is missing`)
      if (info.size !== packSize) {
        throw new IntegrityError(
          loc.id,
          `pack ${loc.packId} holding blob ${loc.id} has ${info.size} bytes where the index says ${packSize}: it was truncated or extended`,
        )
      }
      this.sizeChecked.add(loc.packId)
    }
    if (loc.length > WINDOW) return this.load(loc, loc.offset, loc.length, where)
    const window = this.windowFor(loc, packSize)
    const bytes = await window.bytes
    const start = loc.offset - window.offset
    if (bytes.length < start + loc.length) throw new IntegrityError(loc.id, `${where} is truncated`)
    return bytes.subarray(start, start + loc.length)
  }

  /** Forgets size checks and spans, after prune replaced packs. */
  reset(): void {
    this.sizeChecked.clear()
    this.windows = []
  }

  private windowFor(loc: BlobLocation, packSize: number): Window {
    const i = this.windows.findIndex(
      (w) => w.packId === loc.packId && w.offset <= loc.offset && loc.offset + loc.length <= w.offset + w.length,
    )
    if (i >= 0) {
      const hit = this.windows[i]!
      this.windows.splice(i, 1)
      this.windows.push(hit)
      return hit
    }
    // Forward: this read starts about where a span of the same pack ends (several readers go forward at once).
    const forward = this.windows.some((w) => w.packId === loc.packId && Math.abs(w.offset + w.length - loc.offset) <= NEAR)
    const length = Math.max(loc.length, Math.min(forward ? WINDOW : loc.length + NEAR, packSize - loc.offset))
    const window: Window = { packId: loc.packId, offset: loc.offset, length, bytes: Promise.resolve(new Uint8Array(0)) }
    window.bytes = this.load(loc, loc.offset, length, `blob ${loc.id} in pack ${loc.packId}`)
    // A failed read is not kept: the next reader tries again (and gets its own error).
    window.bytes.catch(() => {
      this.windows = this.windows.filter((w) => w !== window)
    })
    this.windows.push(window)
    if (this.windows.length > WINDOWS) this.windows.shift()
    return window
  }

  private async load(loc: BlobLocation, offset: number, length: number, where: string): Promise<Uint8Array> {
    let bytes: Uint8Array
    try {
      bytes = await this.backend.load({ type: 'pack', name: loc.packId }, { offset, length })
    } catch (err) {
      if (err instanceof NotFoundError) throw new IntegrityError(loc.id, `pack ${loc.packId} holding blob ${loc.id} is missing`)
      throw err
    }
    if (bytes.length < Math.min(length, loc.length)) throw new IntegrityError(loc.id, `${where} is truncated`)
    return bytes
  }
}
