import { CHUNK_SIZE } from './tree-entry.js'

/** Bytes of file content in one batch for the file pool; with POOL_BATCH_FILES, whichever comes first. */
export const POOL_BATCH_BYTES = 2 * 1024 * 1024
/** Files in one batch: one message carries many small files, so messaging costs little per file. */
export const POOL_BATCH_FILES = 64

export interface WorkUnit {
  /** Indexes of the files, in the order given. */
  items: number[]
  /** A batch for the file pool (every file below one chunk), or one big file read chunk by chunk. */
  pooled: boolean
  /** What the unit holds in memory at most, for the byte budget of mapBounded. */
  bytes: number
}

/**
 * Cuts a list of files (indexes, in path order) into units of work: runs of small files become pool batches,
 * each big file a unit of its own. Path order is kept across units, so data lands in packs in about the order
 * a restore reads it back.
 */
export function workUnits(items: readonly number[], sizeOf: (item: number) => number): WorkUnit[] {
  const units: WorkUnit[] = []
  let batch: WorkUnit | undefined
  for (const item of items) {
    const size = sizeOf(item)
    if (size >= CHUNK_SIZE) {
      batch = undefined
      units.push({ items: [item], pooled: false, bytes: CHUNK_SIZE })
      continue
    }
    if (!batch || batch.items.length >= POOL_BATCH_FILES || batch.bytes + size > POOL_BATCH_BYTES) {
      batch = { items: [], pooled: true, bytes: 0 }
      units.push(batch)
    }
    batch.items.push(item)
    batch.bytes += size
  }
  return units
}

/**
 * Turns for the units of one operation: unit k may take its turn once every unit before it has finished.
 * The units read in parallel, but store in order, so a tree's chunks land in packs in path order and the
 * restore, which reads in path order too, finds them side by side (pack-reader.ts reads a span at a time).
 * A unit that fails still ends its turn (in `finally`), so the ones after it never wait forever.
 */
export class Turns {
  private readonly ended: Promise<void>[]
  private readonly end: (() => void)[] = []

  constructor(count: number) {
    this.ended = Array.from({ length: count }, () => new Promise<void>((resolve) => this.end.push(resolve)))
  }

  /** Resolves when every unit before `index` has ended. */
  async wait(index: number): Promise<void> {
    if (index > 0) await this.ended[index - 1]
  }

  /** Unit `index` is done, successfully or not. */
  done(index: number): void {
    this.end[index]?.()
  }
}
