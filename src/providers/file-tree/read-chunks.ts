import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { UserError } from '../../core/errors.js'
import { CHUNK_SIZE } from './tree-entry.js'

/**
 * Reads a regular file CHUNK_SIZE bytes at a time and hands each chunk to `onChunk`, so memory stays at one
 * chunk whatever the file size. `onChunk` may return false to stop early (a comparison that already differs).
 * Opens with O_NOFOLLOW: a file swapped for a symlink after the walk is refused, not followed.
 * Returns the bytes read, which is the size to record even if the file changed since it was listed.
 * Each chunk is a fresh buffer the callee may keep.
 */
export async function forEachChunk(
  abs: string,
  onChunk: (chunk: Buffer, index: number) => Promise<boolean | void> | boolean | void,
): Promise<number> {
  const fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EACCES') throw new UserError(`cannot read ${abs}: permission denied`)
    if (err.code === 'ELOOP') throw new UserError(`cannot read ${abs}: it became a symlink while being read`)
    throw err
  })
  try {
    if (!(await fh.stat()).isFile()) throw new UserError(`cannot read ${abs}: it is no longer a regular file`)
    let total = 0
    for (let index = 0; ; index++) {
      const chunk = Buffer.allocUnsafe(CHUNK_SIZE)
      let filled = 0
      while (filled < CHUNK_SIZE) {
        const { bytesRead } = await fh.read(chunk, filled, CHUNK_SIZE - filled, null)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      if (filled === 0) return total
      total += filled
      // Copy a short last chunk so a store that keeps the buffer does not pin the full 8 MiB.
      const data = filled === CHUNK_SIZE ? chunk : Buffer.from(chunk.subarray(0, filled))
      if ((await onChunk(data, index)) === false || filled < CHUNK_SIZE) return total
    }
  } finally {
    await fh.close()
  }
}
