import { lstat } from 'node:fs/promises'
import { IntegrityError, UserError } from '../../core/errors.js'
import type { BlobId, BlobStore } from '../../repository/blob-store.js'
import { forEachChunk } from './read-chunks.js'
import { DEFAULT_LIMITS, treeDigest, type CapturedTree, type TreeEntry, type TreeLimits } from './tree-entry.js'
import { validateEntries } from './validate-entries.js'
import { listTree, type LiveEntry } from './walk-tree.js'

export interface CaptureTreeOptions {
  limits?: TreeLimits
  onSkip?: (path: string, why: string) => void
}

/**
 * Stores every file under the directory `root` as `data` blobs and returns its entries and digest.
 * Idempotent: capturing unchanged content stores nothing new and yields the same digest.
 * The result is checked with the very rules restore applies, so a tree that could never be restored (a link
 * leaving the tree, too deep, too big) is refused now with a UserError, not found out during a rollback.
 * Leaves no trace on failure beyond blobs that are not yet durable (the repository is not flushed here).
 */
export async function captureTree(
  root: string,
  blobs: BlobStore,
  options: CaptureTreeOptions = {},
): Promise<CapturedTree> {
  const limits = options.limits ?? DEFAULT_LIMITS
  await requireDirectory(root)
  const live = await listTree(root, { maxDepth: limits.maxDepth, onSkip: options.onSkip })
  const entries: TreeEntry[] = []
  for (const e of live) entries.push(await captureEntry(e, blobs))
  return { digest: treeDigest(restorable(root, entries, limits)), entries }
}

/** Stores one regular file and returns its entry; used for a file artifact and for each file of a tree. */
export async function captureFile(abs: string, path: string, mode: number, blobs: BlobStore): Promise<TreeEntry> {
  const content: BlobId[] = []
  const size = await forEachChunk(abs, async (chunk) => {
    content.push(await blobs.putBlob('data', chunk))
  })
  return { path, type: 'file', mode, size, content }
}

async function captureEntry(e: LiveEntry, blobs: BlobStore): Promise<TreeEntry> {
  switch (e.type) {
    case 'dir':
      return { path: e.path, type: 'dir', mode: e.mode }
    case 'symlink':
      return { path: e.path, type: 'symlink', target: e.target ?? '' }
    case 'file':
      return captureFile(e.abs, e.path, e.mode, blobs)
  }
}

function restorable(root: string, entries: TreeEntry[], limits: TreeLimits): TreeEntry[] {
  try {
    return validateEntries(entries, limits)
  } catch (err) {
    if (!(err instanceof IntegrityError)) throw err
    const reason = err.message.replace(/^manifest (entry|tree)/, '$1').replace(/; refusing to restore.*$/, '')
    throw new UserError(
      `cannot capture ${root}: ${reason}. lastgood would refuse to restore it, so it refuses to store it; ` +
        'keep symlinks relative and inside the tree, and the tree within the limits',
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
