import { constants } from 'node:fs'
import { chmod, mkdir, open, statfs, symlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { IntegrityError, UserError } from '../../core/errors.js'
import type { BlobStore } from '../../repository/blob-store.js'
import { fsyncDir, removeTree, writeAll } from './durable-fs.js'
import { CHUNK_SIZE, DEFAULT_LIMITS, type FileEntry, type TreeEntry, type TreeLimits } from './tree-entry.js'
import { validateEntries } from './validate-entries.js'

const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

export interface MaterialiseOptions {
  limits?: TreeLimits
  /** Mode of `dest` itself, which no entry describes. */
  rootMode?: number
}

/**
 * Writes `entries` into `dest`, a directory this function creates (its parent must exist, `dest` must not).
 * Every entry is validated and every chunk looked up before the first write (RELIABILITY cases 4, 5, 6), so a
 * crafted manifest or a missing blob throws with nothing written. Order: directories, then files (O_EXCL |
 * O_NOFOLLOW, chunk by chunk, size checked, fsynced), then symlinks, then directory modes, deepest first, so a
 * read-only directory is filled before it closes. Any failure removes `dest`: it is whole or absent.
 */
export async function materialiseTree(
  entries: readonly TreeEntry[],
  dest: string,
  blobs: BlobStore,
  options: MaterialiseOptions = {},
): Promise<void> {
  const safe = validateEntries(entries, options.limits ?? DEFAULT_LIMITS)
  requireBlobs(safe, blobs)
  await requireSpace(dirname(dest), safe)
  await mkdir(dest, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new Error(`materialise: ${dest} already exists; a restore writes only a new directory`)
    if (err.code === 'ENOENT') throw new UserError(`cannot restore into ${dest}: its parent directory does not exist`)
    throw err
  })
  try {
    const dirs = safe.filter((e) => e.type === 'dir')
    // Sorted by path, a parent always comes before its children.
    for (const d of dirs) await mkdir(join(dest, d.path), { mode: 0o700 })
    for (const e of safe) if (e.type === 'file') await writeFile(join(dest, e.path), e, blobs)
    for (const e of safe) if (e.type === 'symlink') await symlink(e.target, join(dest, e.path))
    for (const d of [...dirs].reverse()) {
      await chmod(join(dest, d.path), d.mode)
      await fsyncDir(join(dest, d.path))
    }
    await chmod(dest, options.rootMode ?? 0o755)
    await fsyncDir(dest)
    await fsyncDir(dirname(dest))
  } catch (err) {
    await removeTree(dest)
    throw err
  }
}

async function writeFile(abs: string, e: FileEntry, blobs: BlobStore): Promise<void> {
  const fh = await open(abs, CREATE_FILE, 0o600)
  try {
    for (const [index, id] of e.content.entries()) {
      const data = await blobs.getBlob(id)
      const expected = index < e.content.length - 1 ? CHUNK_SIZE : e.size - index * CHUNK_SIZE
      if (data.length !== expected) {
        throw new IntegrityError(
          id,
          `blob ${id} (chunk ${index} of "${e.path}") holds ${data.length} bytes where the manifest says ${expected}`,
        )
      }
      await writeAll(fh, data)
    }
    const written = (await fh.stat()).size
    if (written !== e.size) throw new Error(`materialise: "${e.path}" has ${written} bytes, expected ${e.size}`)
    await fh.sync()
    await fh.chmod(e.mode)
  } finally {
    await fh.close()
  }
}

function requireBlobs(entries: readonly TreeEntry[], blobs: BlobStore): void {
  for (const e of entries) {
    if (e.type !== 'file') continue
    const missing = e.content.find((id) => !blobs.hasBlob(id))
    if (missing) {
      throw new IntegrityError(missing, `blob ${missing} of "${e.path}" is missing from the repository; nothing was written`)
    }
  }
}

/** Refuse up front rather than fill the disk and fail half-way (a decompression bomb, or just a full volume). */
async function requireSpace(parent: string, entries: readonly TreeEntry[]): Promise<void> {
  const needed = entries.reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0)
  const fs = await statfs(parent).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new UserError(`cannot restore into ${parent}: it does not exist`)
    throw err
  })
  const available = fs.bavail * fs.bsize
  if (needed > available) {
    throw new UserError(`cannot restore into ${parent}: it needs ${needed} bytes and only ${available} are free`)
  }
}
