import { constants, type BigIntStats } from 'node:fs'
import { UserError } from '../core/errors.js'
import { closeFd, fstatFd, openFd, readFd } from './fd-io.js'
import { CHUNK_SIZE } from './tree-entry.js'

/** O_NONBLOCK: a FIFO swapped in after the walk must not block the open; fstat then refuses it. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

export interface ReadResult {
  /** Bytes read: the size to record, even if the file changed since it was listed. */
  bytes: number
  /** fstat of the open file before its first read (bigint: nanosecond times, 64-bit inode numbers). */
  stat: BigIntStats
  /** Read to its end, finding exactly the size fstat gave: no growth or shrinking was seen while reading. */
  steady: boolean
}

/**
 * Reads a regular file chunk by chunk and hands each chunk to `onChunk`, so memory stays at one chunk
 * whatever the file size. `onChunk` may return false to stop early (a comparison that already differs).
 * Opens with O_NOFOLLOW: a file swapped for a symlink after the walk is refused, not followed.
 *
 * Chunk `i` always holds bytes [i·CHUNK_SIZE, (i+1)·CHUNK_SIZE) of the file, as deduplication needs, even when
 * the file grows or shrinks while it is read; only the last chunk is shorter. Each chunk is a fresh buffer
 * the callee may keep, sized from fstat rather than a full CHUNK_SIZE (most files are a few KiB, and a fresh
 * 8 MiB per file made the garbage collector the biggest cost of a capture). A short chunk is a view of its
 * buffer, never a copy: the buffer is one byte longer than the chunk, unless the file shrank while read.
 */
export async function forEachChunk(
  abs: string,
  onChunk: (chunk: Buffer, index: number) => Promise<boolean | void> | boolean | void,
): Promise<ReadResult> {
  const fd = await openFd(abs, OPEN_FLAGS).catch((err: NodeJS.ErrnoException) => {
    throw readError(abs, err)
  })
  try {
    const stat = await fstatFd(fd)
    if (!stat.isFile()) throw readError(abs, Object.assign(new Error('not a regular file'), { code: 'ENOTREG' }))
    const expected = Number(stat.size)
    let total = 0
    let grew = false
    for (let index = 0; ; index++) {
      // One byte more than fstat promises: filling it shows the file grew, without a separate probe read.
      let chunk = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, Math.max(expected - total, 0) + 1))
      let got = await fill(fd, chunk, 0, total, expected)
      if (!got.end && chunk.length < CHUNK_SIZE) {
        // It grew: this chunk must still reach a whole CHUNK_SIZE (or the new end), so boundaries stay put.
        grew = true
        const whole = Buffer.allocUnsafe(CHUNK_SIZE)
        chunk.copy(whole, 0, 0, got.filled)
        chunk = whole
        got = await fill(fd, chunk, got.filled, total, Number.POSITIVE_INFINITY)
      }
      if (got.filled === 0) break
      total += got.filled
      const data = got.filled === chunk.length ? chunk : chunk.subarray(0, got.filled)
      if ((await onChunk(data, index)) === false) return { bytes: total, stat, steady: false }
      if (got.end) break
    }
    return { bytes: total, stat, steady: !grew && total === expected }
  } finally {
    await closeFd(fd)
  }
}

/** The error a failed read of `abs` becomes: the user's to fix when it is permissions or a swapped file. */
export function readError(abs: string, err: NodeJS.ErrnoException): Error {
  if (err.code === 'EACCES') return new UserError(`cannot read ${abs}: permission denied`)
  if (err.code === 'ELOOP') return new UserError(`cannot read ${abs}: it became a symlink while being read`)
  if (err.code === 'ENOTREG') return new UserError(`cannot read ${abs}: it is no longer a regular file`)
  return err
}

/**
 * Reads at the file position into `buf` from `filled` until it is full or the file ends. A short read that
 * reaches the size fstat gave is the end (a regular file returns less than asked only there), which saves
 * every small file a second, empty read; anywhere else only an empty read ends the file.
 */
async function fill(fd: number, buf: Buffer, filled: number, offset: number, expected: number): Promise<{ filled: number; end: boolean }> {
  while (filled < buf.length) {
    const bytesRead = await readFd(fd, buf, filled, buf.length - filled)
    if (bytesRead === 0) return { filled, end: true }
    filled += bytesRead
    if (filled < buf.length && offset + filled >= expected) return { filled, end: true }
  }
  return { filled, end: false }
}
