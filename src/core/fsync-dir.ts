import { open } from 'node:fs/promises'
import { errCode } from './errors.js'

/**
 * What file systems answer when they cannot fsync a directory at all (some network, FUSE and container file
 * systems): there, a rename is as durable as the file system allows. Any other failure, EIO above all, means
 * the entry may not survive a crash, and is thrown.
 */
const CANNOT_SYNC_DIRECTORIES = new Set(['EINVAL', 'EISDIR', 'ENOTSUP', 'EOPNOTSUPP'])

/** Makes a directory's entries (creations, renames, removals) durable: without it a crash may forget a finished rename. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } catch (err) {
    if (!CANNOT_SYNC_DIRECTORIES.has(errCode(err) ?? '')) throw err
  } finally {
    await fh.close()
  }
}
