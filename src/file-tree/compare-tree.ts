import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { mapBounded } from '../core/bounded-map.js'
import { withFilePool, type FilePool } from './file-pool.js'
import { forEachChunk, readError } from './read-chunks.js'
import { formatOwner, ownerOf, type OwnerRule } from './owner-rule.js'
import { comparePaths, formatMode, type FileEntry, type TreeEntry } from './tree-entry.js'
import { listTree, type LiveEntry } from './walk-tree.js'
import { workUnits, type WorkUnit } from './work-units.js'

export interface CompareOptions {
  /** Put before each path in the changes (an artifact's own path, say). */
  prefix?: string
  /** Stop at the first difference: enough to decide whether a tree is already there. */
  firstOnly?: boolean
  /** Compare owners too, expecting the ones a restore under this rule would give (owner-rule.ts). */
  owners?: OwnerRule
}

/** One file a restore would add, change or remove (a provider's preview shows it as one of its changes). */
export interface FileChange {
  kind: 'added' | 'changed' | 'removed'
  path: string
  before?: string
  after?: string
  sizeBefore?: number
  sizeAfter?: number
}

type Outcome = Omit<FileChange, 'path'> | undefined

/** Two files of the same size: whether anything changed depends on their bytes. */
interface ToHash {
  live: LiveEntry
  want: FileEntry
}

/**
 * What restoring `entries` into `liveRoot` would change, as Change lines: `added` (in the manifest only),
 * `removed` (on disk only), `changed` (type, mode, owner when asked, symlink target or content). A `liveRoot` that is missing or
 * not a directory holds nothing, so everything is added. Type, size and mode are compared first; content is
 * hashed only when they agree, chunk by chunk against the chunk ids (which are SHA-256), so no store is
 * needed; small files by a file pool, several at a time. Never changes anything.
 */
export async function compareTree(liveRoot: string, entries: readonly TreeEntry[], options: CompareOptions = {}): Promise<FileChange[]> {
  // Nothing on disk: everything is added, and no file needs reading, so no pool either.
  if (!(await isDirectory(liveRoot))) return compareWith(undefined, [], entries, options)
  return withFilePool(async (pool) => compareWith(pool, await listTree(liveRoot, { pool }), entries, options))
}

async function compareWith(
  pool: FilePool | undefined,
  live: readonly LiveEntry[],
  entries: readonly TreeEntry[],
  options: CompareOptions,
): Promise<FileChange[]> {
  const liveByPath = new Map(live.map((e) => [e.path, e]))
  const wanted = new Map(entries.map((e) => [e.path, e]))
  const paths = [...new Set([...liveByPath.keys(), ...wanted.keys()])].sort(comparePaths)
  const outcomes = new Array<Outcome>(paths.length)
  const toHash = new Map<number, ToHash>()
  for (const [i, path] of paths.entries()) {
    const r = compareShallow(liveByPath.get(path), wanted.get(path), options.owners)
    if (r && 'hash' in r) toHash.set(i, r.hash)
    else outcomes[i] = r
  }
  // With firstOnly, nothing after the first difference in path order needs reading.
  const firstKnown = options.firstOnly ? outcomes.findIndex((o) => o !== undefined) : -1
  const candidates = [...toHash.keys()].filter((i) => firstKnown < 0 || i < firstKnown)
  if (candidates.length > 0) {
    let firstDiffer = Number.POSITIVE_INFINITY
    await mapBounded(
      workUnits(candidates, (i) => toHash.get(i)!.live.size),
      async (unit) => {
        if (options.firstOnly && unit.items[0]! > firstDiffer) return
        const same = await contentMatches(unit, toHash, pool!)
        for (const [k, i] of unit.items.entries()) {
          const { live: l, want } = toHash.get(i)!
          outcomes[i] = same[k]
            ? metaChange(l, want, options.owners)
            : { kind: 'changed', ...meta(l, want, options.owners), sizeBefore: l.size, sizeAfter: want.size }
          if (outcomes[i] && options.firstOnly) firstDiffer = Math.min(firstDiffer, i)
        }
      },
      { weight: (unit) => unit.bytes },
    )
  }
  const name = (path: string) => (options.prefix ? `${options.prefix}/${path}` : path)
  const changes: FileChange[] = []
  for (const [i, outcome] of outcomes.entries()) {
    if (!outcome) continue
    changes.push({ ...outcome, path: name(paths[i]!) })
    if (options.firstOnly) break
  }
  return changes
}

/** True when `liveRoot` holds exactly `entries`: same paths, types, modes, targets and bytes (owners, given a rule). */
export async function treeMatches(liveRoot: string, entries: readonly TreeEntry[], owners?: OwnerRule): Promise<boolean> {
  return (await compareTree(liveRoot, entries, { firstOnly: true, ...(owners ? { owners } : {}) })).length === 0
}

/** Whether the regular file at `abs` holds exactly the chunks of `entry` (its mode is not looked at). */
export async function fileMatches(abs: string, entry: FileEntry): Promise<boolean> {
  let same = true
  const read = await forEachChunk(abs, (chunk, index) => {
    same = createHash('sha256').update(chunk).digest('hex') === entry.content[index]
    return same
  })
  return same && read.bytes === entry.size
}

/** Per file of the unit, whether its bytes are the wanted ones. */
async function contentMatches(unit: WorkUnit, toHash: ReadonlyMap<number, ToHash>, pool: FilePool): Promise<boolean[]> {
  const files = unit.items.map((i) => toHash.get(i)!)
  if (!unit.pooled) return Promise.all(files.map((f) => fileMatches(f.live.abs, f.want)))
  const results = await pool.hash(files.map((f) => ({ abs: f.live.abs, size: f.want.size, id: f.want.content[0] })))
  return Promise.all(
    results.map(async (r, k) => {
      if ('error' in r) throw readError(files[k]!.live.abs, r.error)
      return 'fallback' in r ? fileMatches(files[k]!.live.abs, files[k]!.want) : r.ok
    }),
  )
}

/** Everything that can be told without reading a file; `hash` when only the bytes can tell. */
function compareShallow(
  live: LiveEntry | undefined,
  want: TreeEntry | undefined,
  owners: OwnerRule | undefined,
): Outcome | { hash: ToHash } {
  if (!live && !want) return undefined
  if (!live) return { kind: 'added', ...sizeAfter(want) }
  if (!want) return { kind: 'removed', ...(live.type === 'file' ? { sizeBefore: live.size } : {}) }
  const sizes = { ...(live.type === 'file' ? { sizeBefore: live.size } : {}), ...sizeAfter(want) }
  if (live.type !== want.type) return { kind: 'changed', before: live.type, after: want.type, ...sizes }
  if (want.type === 'symlink' && live.target !== want.target) return { kind: 'changed', before: live.target, after: want.target }
  if (want.type === 'file' && live.size !== want.size) return { kind: 'changed', ...meta(live, want, owners), ...sizes }
  if (want.type === 'file') return { hash: { live, want } }
  return metaChange(live, want, owners)
}

function metaChange(live: LiveEntry, want: TreeEntry, owners: OwnerRule | undefined): Outcome {
  const m = meta(live, want, owners)
  if (m.before === undefined) return undefined
  return { kind: 'changed', ...m, ...(want.type === 'file' ? { sizeBefore: live.size, sizeAfter: want.size } : {}) }
}

/** The mode (not for a link) and owner (with a rule) that differ, as `0644 1000:1000`; empty when none does. */
function meta(live: LiveEntry, want: TreeEntry, owners: OwnerRule | undefined): { before?: string; after?: string } {
  const before: string[] = []
  const after: string[] = []
  if (want.type !== 'symlink' && live.mode !== want.mode) {
    before.push(formatMode(live.mode))
    after.push(formatMode(want.mode))
  }
  const owner = ownerOf(owners, want)
  if (owner && (owner.uid !== live.uid || owner.gid !== live.gid)) {
    before.push(formatOwner(live))
    after.push(formatOwner(owner))
  }
  return before.length === 0 ? {} : { before: before.join(' '), after: after.join(' ') }
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
