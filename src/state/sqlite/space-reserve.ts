import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** The size of the reserve: enough for the state to open and for a few journal and audit writes. */
export const RESERVE_BYTES = 1024 * 1024

/**
 * Space set aside in the state directory (`space-reserve`, zeros) for the moment the disk fills: it is given
 * back so the state can still open (SQLite's shared-memory file needs room) and so a rollback that the full
 * disk stopped can still be recorded as failed, instead of being left for `--abandon`. Kept again, best
 * effort, whenever the state opens and there is room; never in the way when there is not.
 */
export class SpaceReserve {
  private readonly file: string

  constructor(stateDir: string) {
    this.file = join(stateDir, 'space-reserve')
  }

  /** Creates the reserve when it is missing and the disk has room for it; never throws. */
  keep(): void {
    try {
      if (statSync(this.file, { throwIfNoEntry: false })?.size === RESERVE_BYTES) return
      const tmp = `${this.file}.tmp-${process.pid}`
      try {
        const fd = openSync(tmp, 'w', 0o600)
        try {
          // A disk nearly full takes part of the write and then refuses: no reserve is better than half of one.
          if (writeSync(fd, Buffer.alloc(RESERVE_BYTES)) !== RESERVE_BYTES) throw new Error('short write')
          fsyncSync(fd)
        } finally {
          closeSync(fd)
        }
        renameSync(tmp, this.file)
      } catch {
        rmSync(tmp, { force: true })
      }
    } catch {
      // No room, or no directory: there is simply no reserve this time.
    }
  }

  /** Gives the reserve back to the disk. Whether there was one to give. */
  release(): boolean {
    try {
      unlinkSync(this.file)
      return true
    } catch {
      return false
    }
  }
}
