import { lstat } from 'node:fs/promises'
import { IntegrityError, UserError } from '../core/errors.js'
import type { BlobId, BlobStore } from '../repository/blob-store.js'
import { mapBounded } from '../core/bounded-map.js'
import { withFilePool, type FilePool } from './file-pool.js'
import type { LinkPolicy } from './link-policy.js'
import { forEachChunk, readError } from './read-chunks.js'
import { settled, type PreviousFiles } from './reuse-previous.js'
import { DEFAULT_LIMITS, treeDigest, type CapturedTree, type FileEntry, type TreeEntry, type TreeLimits } from './tree-entry.js'
import { validateEntries } from './validate-entries.js'
import { listTree, stampOf, type LiveEntry } from './walk-tree.js'
import { Turns, workUnits, type WorkUnit } from './work-units.js'

export interface CaptureTreeOptions {
  limits?: TreeLimits
  onSkip?: (path: string, why: string) => void
  /** The previous capture of the same tree: files whose metadata did not change are not read again. */
  previous?: PreviousFiles
  /** Links that may leave the tree (a release's links into Capistrano's shared/); none by default. */
  links?: LinkPolicy
}

/**
 * Stores every file under the directory `root` as `data` blobs and returns its entries and digest.
 * Idempotent: capturing unchanged content stores nothing new and yields the same digest.
 * The result is checked with the very rules restore applies, so a tree that could never be restored (a link
 * leaving the tree, too deep, too big) is refused now with a UserError, not found out during a rollback.
 * Files below one chunk are read by a file pool in batches, bigger ones here chunk by chunk, several at a
 * time (bounded in count and bytes); entries stay in path order.
 * Leaves no trace on failure beyond blobs that are not yet durable (the repository is not flushed here).
 */
export async function captureTree(root: string, blobs: BlobStore, options: CaptureTreeOptions = {}): Promise<CapturedTree> {
  const limits = options.limits ?? DEFAULT_LIMITS
  // Taken before the walk: a ctime must be older than this, by a tick, for its stamp to be recorded.
  const startedNs = BigInt(Date.now()) * 1_000_000n
  await requireDirectory(root)
  return withFilePool(async (pool) => {
    const live = await listTree(root, { maxDepth: limits.maxDepth, onSkip: options.onSkip, pool })
    const entries = await captureEntries(live, blobs, startedNs, pool, options.previous)
    return { digest: treeDigest(restorable(root, entries, limits, options.links)), entries }
  })
}

async function captureEntries(
  live: readonly LiveEntry[],
  blobs: BlobStore,
  startedNs: bigint,
  pool: FilePool,
  previous: PreviousFiles | undefined,
): Promise<TreeEntry[]> {
  const entries = new Array<TreeEntry>(live.length)
  const toRead: number[] = []
  for (const [i, e] of live.entries()) {
    if (e.type === 'dir') entries[i] = { path: e.path, type: 'dir', mode: e.mode, uid: e.uid, gid: e.gid }
    else if (e.type === 'symlink') entries[i] = { path: e.path, type: 'symlink', target: e.target ?? '', uid: e.uid, gid: e.gid }
    else {
      const reused = await previous?.reuse(e, blobs)
      if (reused) entries[i] = reused
      else toRead.push(i)
    }
  }
  const units = workUnits(toRead, (i) => live[i]!.size)
  const turns = new Turns(units.length)
  await mapBounded(
    units,
    async (unit, k) => {
      try {
        await captureUnit(unit, live, entries, blobs, startedNs, pool, () => turns.wait(k))
      } finally {
        turns.done(k)
      }
    },
    { weight: (unit) => unit.bytes },
  )
  return entries
}

/**
 * Stores one regular file and returns its entry; used for a file artifact, for each big file of a tree, and
 * for a file the pool handed back. With `startedNs` (when the capture began), the entry carries the file's
 * stamp if the file did not change while read and its ctime is settled (reuse-previous.ts).
 */
export async function captureFile(abs: string, path: string, mode: number, blobs: BlobStore, startedNs?: bigint): Promise<TreeEntry> {
  const content: BlobId[] = []
  const read = await forEachChunk(abs, async (chunk) => {
    content.push(await blobs.putBlob('data', chunk))
  })
  const { uid, gid } = read.stat
  const entry: FileEntry = { path, type: 'file', mode, size: read.bytes, content, uid: Number(uid), gid: Number(gid) }
  if (startedNs !== undefined && read.steady && settled(read.stat.ctimeNs, startedNs)) Object.assign(entry, stampOf(read.stat))
  return entry
}

async function captureUnit(
  unit: WorkUnit,
  live: readonly LiveEntry[],
  entries: TreeEntry[],
  blobs: BlobStore,
  startedNs: bigint,
  pool: FilePool,
  myTurn: () => Promise<void>,
): Promise<void> {
  const capture = (i: number) => captureFile(live[i]!.abs, live[i]!.path, live[i]!.mode, blobs, startedNs)
  if (!unit.pooled) {
    await myTurn()
    for (const i of unit.items) entries[i] = await capture(i)
    return
  }
  const files = unit.items.map((i) => ({ abs: live[i]!.abs, size: live[i]!.size }))
  await pool.read(files, async (results) => {
    // Read in parallel with the units around it, stored in path order (work-units.ts, Turns).
    await myTurn()
    for (const [k, r] of results.entries()) {
      const i = unit.items[k]!
      const e = live[i]!
      if ('error' in r) throw readError(e.abs, r.error)
      if ('fallback' in r) {
        entries[i] = await capture(i)
        continue
      }
      const { id, data, bytes, steady, ...stamp } = r.ok
      // The worker hashed the chunk, so a chunk the repository already holds needs no putBlob: that is the
      // deduplication putBlob does, minus hashing it again here. (Like a reused entry, it is checked once
      // more against the durable index when the snapshot is saved.)
      if (id && data && !(await blobs.hasBlob(id)) && (await blobs.putBlob('data', data)) !== id) {
        throw new Error(`capture: the file pool and the repository disagree on the hash of ${e.abs}`)
      }
      const entry: FileEntry = { path: e.path, type: 'file', mode: e.mode, size: bytes, content: id ? [id] : [], uid: e.uid, gid: e.gid }
      if (steady && settled(BigInt(stamp.ctimeNs), startedNs)) Object.assign(entry, stamp)
      entries[i] = entry
    }
  })
}

function restorable(root: string, entries: TreeEntry[], limits: TreeLimits, links: LinkPolicy | undefined): TreeEntry[] {
  try {
    return validateEntries(entries, limits, links)
  } catch (err) {
    if (!(err instanceof IntegrityError)) throw err
    const reason = err.message.replace(/^manifest (entry|tree)/, '$1').replace(/; refusing to restore.*$/, '')
    throw new UserError(
      `cannot capture ${root}: ${reason}. lastgood would refuse to restore it, so it refuses to store it; ` +
        'keep symlinks inside the tree (or list the directory they lead into in links_allowed_into), and the tree within the limits',
    )
  }
}

async function requireDirectory(root: string): Promise<void> {
  const st = await lstat(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new UserError(`cannot capture ${root}: it does not exist`)
    throw err
  })
  if (!st.isDirectory()) throw new UserError(`cannot capture ${root}: it is not a directory`)
}
