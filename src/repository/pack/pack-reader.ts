import { IntegrityError } from '../../core/errors.js'
import { NotFoundError, type Backend } from '../backend.js'
import type { BlobLocation } from '../index/master-index.js'

/**
 * Reads one sealed blob out of its pack. The first read of a pack in a session also compares the stored
 * size with the index, so a pack that was truncated or had bytes appended is refused even when the blob's
 * own range is intact.
 */
export class PackReader {
  private readonly sizeChecked = new Set<string>()

  constructor(private readonly backend: Backend) {}

  async read(loc: BlobLocation, packSize: number): Promise<Uint8Array> {
    const h = { type: 'pack' as const, name: loc.packId }
    const where = `blob ${loc.id} in pack ${loc.packId}`
    if (!this.sizeChecked.has(loc.packId)) {
      const info = await this.backend.stat(h)
      if (!info) throw new IntegrityError(loc.id, `pack ${loc.packId} holding blob ${loc.id} is missing`)
      if (info.size !== packSize) {
        throw new IntegrityError(
          loc.id,
          `pack ${loc.packId} holding blob ${loc.id} has ${info.size} bytes where the index says ${packSize}: it was truncated or extended`,
        )
      }
      this.sizeChecked.add(loc.packId)
    }
    let bytes: Uint8Array
    try {
      bytes = await this.backend.load(h, { offset: loc.offset, length: loc.length })
    } catch (err) {
      if (err instanceof NotFoundError) throw new IntegrityError(loc.id, `pack ${loc.packId} holding blob ${loc.id} is missing`)
      throw err
    }
    if (bytes.length !== loc.length) throw new IntegrityError(loc.id, `${where} is truncated`)
    return bytes
  }

  /** Forgets size checks, after prune replaced packs. */
  reset(): void {
    this.sizeChecked.clear()
  }
}
