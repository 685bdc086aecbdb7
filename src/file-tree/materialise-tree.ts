import { constants } from 'node:fs'
import { chmod, chown, lchown, mkdir, statfs, symlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { IntegrityError, UserError } from '../core/errors.js'
import type { BlobStore } from '../repository/blob-store.js'
import { mapBounded } from '../core/bounded-map.js'
import { withFilePool } from './file-pool.js'
import { workUnits } from './work-units.js'
import { fsyncDir } from '../core/fsync-dir.js'
import { removeTree } from './durable-fs.js'
import { closeFd, fchmodFd, fchownFd, fsyncFd, openFd, writeAllFd } from './fd-io.js'
import type { LinkPolicy } from './link-policy.js'
import { ownerOf, type OwnerRule } from './owner-rule.js'
import { durability, syncFilesystem, type Durability } from './sync-filesystem.js'
import { CHUNK_SIZE, DEFAULT_LIMITS, type FileEntry, type Owner, type TreeEntry, type TreeLimits } from './tree-entry.js'
import { validateEntries } from './validate-entries.js'

const EMPTY = new Uint8Array(0)
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

export interface MaterialiseOptions {
  limits?: TreeLimits
  /** Mode of `dest` itself, which no entry describes. */
  rootMode?: number
  /** Owner of `dest` itself, when `owners` is given; default: the process's. */
  rootOwner?: Owner
  /** Gives entries an owner (lchown, never following a link); without it they belong to the process. */
  owners?: OwnerRule
  /** Links that may leave the tree, resolved from where `dest` will finally be (link-policy.ts). */
  links?: LinkPolicy
  /** How to make the tree durable (sync-filesystem.ts); default: syncfs where it reports errors. For tests. */
  durability?: Durability
}

/**
 * Writes `entries` into `dest`, a directory this function creates (its parent must exist, `dest` must not).
 * Every entry is validated and every chunk looked up before the first write (RELIABILITY cases 4, 5, 6), so a
 * crafted manifest or a missing blob throws with nothing written. Order: directories, then files (O_EXCL |
 * O_NOFOLLOW, chunk by chunk, size checked, several at a time; small ones by a file pool), then symlinks, then
 * directory modes, deepest first, so a read-only directory is filled before it closes. With `owners`, each
 * entry is given its owner as it is created (fchown, lchown), before its mode. When it returns, every byte, name and mode under
 * `dest` is durable (one syncfs of the file system, or an fsync of each file and directory: see
 * sync-filesystem.ts), so a caller may rename `dest` into view. Any failure removes `dest`: it is whole or
 * absent.
 */
export async function materialiseTree(
  entries: readonly TreeEntry[],
  dest: string,
  blobs: BlobStore,
  options: MaterialiseOptions = {},
): Promise<void> {
  const safe = validateEntries(entries, options.limits ?? DEFAULT_LIMITS, options.links)
  const owner = (e: TreeEntry) => ownerOf(options.owners, e)
  await requireBlobs(safe, blobs)
  await requireSpace(dirname(dest), safe)
  const mode = options.durability ?? (await durability())
  await mkdir(dest, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new Error(`materialise: ${dest} already exists; a restore writes only a new directory`)
    if (err.code === 'ENOENT') throw new UserError(`cannot restore into ${dest}: its parent directory does not exist`)
    throw err
  })
  try {
    const dirs = safe.filter((e) => e.type === 'dir')
    // Sorted by path, a parent always comes before its children.
    for (const d of dirs) {
      await mkdir(join(dest, d.path), { mode: 0o700 })
      await chownTo(join(dest, d.path), owner(d))
    }
    const files = safe.filter((e) => e.type === 'file')
    const fsync = mode === 'fsync'
    await withFilePool((pool) =>
      mapBounded(
        workUnits([...files.keys()], (i) => files[i]!.size),
        async (unit) => {
          if (!unit.pooled) {
            for (const i of unit.items) await writeFile(join(dest, files[i]!.path), files[i]!, owner(files[i]!), blobs, fsync)
            return
          }
          const batch = []
          for (const i of unit.items) {
            const e = files[i]!
            const o = owner(e)
            batch.push({
              abs: join(dest, e.path),
              mode: e.mode,
              ...(o ? { owner: o } : {}),
              data: e.content[0] ? await chunk(e, 0, blobs) : EMPTY,
              fsync,
            })
          }
          for (const r of await pool.write(batch)) if ('error' in r) throw r.error
        },
        { weight: (unit) => unit.bytes },
      ),
    )
    for (const e of safe) {
      if (e.type !== 'symlink') continue
      await symlink(e.target, join(dest, e.path))
      await chownTo(join(dest, e.path), owner(e))
    }
    for (const d of [...dirs].reverse()) {
      await chmod(join(dest, d.path), d.mode)
      if (mode === 'fsync') await fsyncDir(join(dest, d.path))
    }
    if (options.owners && options.rootOwner) await chown(dest, options.rootOwner.uid, options.rootOwner.gid)
    await chmod(dest, options.rootMode ?? 0o755)
    if (mode === 'syncfs') {
      await syncFilesystem(dest)
    } else {
      await fsyncDir(dest)
      await fsyncDir(dirname(dest))
    }
  } catch (err) {
    await removeTree(dest)
    throw err
  }
}

/** lchown: never follows a link, so a link's own owner is set and nothing outside the tree is touched. */
async function chownTo(abs: string, owner: Owner | undefined): Promise<void> {
  if (owner) await lchown(abs, owner.uid, owner.gid)
}

async function writeFile(abs: string, e: FileEntry, owner: Owner | undefined, blobs: BlobStore, fsync: boolean): Promise<void> {
  const fd = await openFd(abs, CREATE_FILE, 0o600)
  try {
    let written = 0
    for (const index of e.content.keys()) {
      const data = await chunk(e, index, blobs)
      await writeAllFd(fd, data)
      written += data.length
    }
    if (written !== e.size) throw new Error(`materialise: "${e.path}" has ${written} bytes, expected ${e.size}`)
    // fchown first: a chown may clear mode bits. fchmod because umask trims open's mode. Both before the
    // fsync, so owner and mode are as durable as the bytes.
    if (owner) await fchownFd(fd, owner.uid, owner.gid)
    await fchmodFd(fd, e.mode)
    if (fsync) await fsyncFd(fd)
  } finally {
    await closeFd(fd)
  }
}

/** Chunk `index` of a file, verified by the store, and checked to have the length the manifest implies. */
async function chunk(e: FileEntry, index: number, blobs: BlobStore): Promise<Uint8Array> {
  const id = e.content[index]!
  const data = await blobs.getBlob(id)
  const expected = index < e.content.length - 1 ? CHUNK_SIZE : e.size - index * CHUNK_SIZE
  if (data.length !== expected) {
    throw new IntegrityError(
      id,
      `blob ${id} (chunk ${index} of "${e.path}") holds ${data.length} bytes where the manifest says ${expected}`,
    )
  }
  return data
}

async function requireBlobs(entries: readonly TreeEntry[], blobs: BlobStore): Promise<void> {
  for (const e of entries) {
    if (e.type !== 'file') continue
    for (const id of e.content) {
      if (!(await blobs.hasBlob(id))) {
        throw new IntegrityError(id, `blob ${id} of "${e.path}" is missing from the repository; nothing was written`)
      }
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
