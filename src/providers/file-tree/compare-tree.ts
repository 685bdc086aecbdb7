import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { Change } from '../provider.js'
import { forEachChunk } from './read-chunks.js'
import { comparePaths, formatMode, type FileEntry, type TreeEntry } from './tree-entry.js'
import { listTree, type LiveEntry } from './walk-tree.js'

export interface CompareOptions {
  /** Put before each path in the changes (an artifact's own path, say). */
  prefix?: string
  /** Stop at the first difference: enough to decide whether a tree is already there. */
  firstOnly?: boolean
}

/**
 * What restoring `entries` into `liveRoot` would change, as Change lines: `added` (in the manifest only),
 * `removed` (on disk only), `changed` (type, mode, symlink target or content). A `liveRoot` that is missing or
 * not a directory holds nothing, so everything is added. Type, size and mode are compared first; content is
 * hashed only when they agree, chunk by chunk against the chunk ids (which are SHA-256), so no store is
 * needed. Never changes anything.
 */
export async function compareTree(
  liveRoot: string,
  entries: readonly TreeEntry[],
  options: CompareOptions = {},
): Promise<Change[]> {
  const live = (await isDirectory(liveRoot)) ? await listTree(liveRoot) : []
  const liveByPath = new Map(live.map((e) => [e.path, e]))
  const wanted = new Map(entries.map((e) => [e.path, e]))
  const paths = [...new Set([...liveByPath.keys(), ...wanted.keys()])].sort(comparePaths)
  const changes: Change[] = []
  const name = (path: string) => (options.prefix ? `${options.prefix}/${path}` : path)
  for (const path of paths) {
    const change = await compareEntry(liveByPath.get(path), wanted.get(path))
    if (!change) continue
    changes.push({ ...change, path: name(path) })
    if (options.firstOnly) break
  }
  return changes
}

/** True when `liveRoot` holds exactly `entries`: same paths, types, modes, targets and bytes. */
export async function treeMatches(liveRoot: string, entries: readonly TreeEntry[]): Promise<boolean> {
  return (await compareTree(liveRoot, entries, { firstOnly: true })).length === 0
}

/** Whether the regular file at `abs` holds exactly the chunks of `entry` (its mode is not looked at). */
export async function fileMatches(abs: string, entry: FileEntry): Promise<boolean> {
  let same = true
  const size = await forEachChunk(abs, (chunk, index) => {
    same = createHash('sha256').update(chunk).digest('hex') === entry.content[index]
    return same
  })
  return same && size === entry.size
}

async function compareEntry(live: LiveEntry | undefined, want: TreeEntry | undefined): Promise<Omit<Change, 'path'> | undefined> {
  if (!live && !want) return undefined
  if (!live) return { kind: 'added', ...sizeAfter(want) }
  if (!want) return { kind: 'removed', ...(live.type === 'file' ? { sizeBefore: live.size } : {}) }
  const sizes = { ...(live.type === 'file' ? { sizeBefore: live.size } : {}), ...sizeAfter(want) }
  if (live.type !== want.type) return { kind: 'changed', before: live.type, after: want.type, ...sizes }
  if (want.type === 'symlink') {
    return live.target === want.target ? undefined : { kind: 'changed', before: live.target, after: want.target }
  }
  const modes = live.mode === want.mode ? {} : { before: formatMode(live.mode), after: formatMode(want.mode) }
  if (want.type === 'file' && (live.size !== want.size || !(await fileMatches(live.abs, want)))) {
    return { kind: 'changed', ...modes, ...sizes }
  }
  return live.mode === want.mode ? undefined : { kind: 'changed', ...modes, ...sizes }
}

function sizeAfter(e: TreeEntry | undefined): { sizeAfter?: number } {
  return e?.type === 'file' ? { sizeAfter: e.size } : {}
}

/** Followed: the root may be a configured path that is a symlink to the real directory. */
async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (st) => st.isDirectory(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return false
      throw err
    },
  )
}
