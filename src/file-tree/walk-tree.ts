import { asError } from '../core/errors.js'
import type { BigIntStats } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.js'
import { withFilePool, type FilePool, type PoolDirEntry } from './file-pool.js'
import { MAX_DEPTH, sortEntries, type FileStamp } from './tree-entry.js'

/** One entry of a live directory, as lstat sees it (symlinks are never followed). */
export interface LiveEntry {
  /** Relative POSIX path, as the OS spells it. */
  path: string
  abs: string
  type: 'file' | 'dir' | 'symlink'
  /** Permission bits only. */
  mode: number
  /** Bytes for a file, 0 otherwise. */
  size: number
  uid: number
  gid: number
  target?: string
  /** For a file: its inode number and change times, which decide whether a previous capture is still right. */
  stamp?: FileStamp
}

export interface WalkOptions {
  maxDepth?: number
  /** Called for sockets, FIFOs and devices, which hold no content worth keeping and are left out. */
  onSkip?: (path: string, why: string) => void
  /** Lists directories in its workers; without one, a pool is opened for the walk. */
  pool?: FilePool
}

/** Directories listed per message: a release has ~1,300, so a walk is about a hundred round trips. */
const DIRS_PER_MESSAGE = 16

// ignoreBOM keeps a leading U+FEFF: stripping it would name another file than the one on disk.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Lists everything under `root` (not `root` itself), sorted by path. Reads names as bytes and refuses one that
 * is not UTF-8 (UserError) instead of storing a lossy name that would restore as a different file. Entries that
 * vanish during the walk are left out. Never changes anything. The directories are read and their entries
 * lstat'ed by a file pool with blocking calls: 20k asynchronous lstats took half a second on their own.
 */
export async function listTree(root: string, options: WalkOptions = {}): Promise<LiveEntry[]> {
  if (!options.pool) return withFilePool((pool) => listTree(root, { ...options, pool }))
  const { pool } = options
  const maxDepth = options.maxDepth ?? MAX_DEPTH
  const base = root.endsWith('/') ? root.slice(0, -1) : root
  const out: LiveEntry[] = []
  // A work list rather than recursion (a tree 1,024 levels deep must not depend on the call stack), listed
  // a few messages at a time: each answer is taken in as it arrives and its subdirectories sent off at once.
  const pending: Dir[] = [{ rel: '', depth: 0 }]
  const take = async (dirs: Dir[]): Promise<void> => {
    const results = await pool.list(dirs.map((d) => (d.rel === '' ? root : `${base}/${d.rel}`)))
    for (const [k, r] of results.entries()) {
      const dir = dirs[k]!
      if ('fallback' in r) throw new Error(`walk: the file pool did not list ${join(root, dir.rel)}`)
      if ('error' in r) {
        unlisted(root, dir.rel, r.error)
        continue
      }
      for (const raw of r.ok) {
        const e = liveEntry(root, base, dir, raw, maxDepth)
        if ('skipped' in e) {
          options.onSkip?.(e.skipped, 'not a file, directory or symlink')
          continue
        }
        out.push(e)
        if (e.type === 'dir') pending.push({ rel: e.path, depth: dir.depth + 1 })
      }
    }
  }
  await drain(pending, (dirs) => take(dirs), 2 * pool.size)
  return sortEntries(out)
}

interface Dir {
  rel: string
  depth: number
}

/**
 * Runs `take` on batches of DIRS_PER_MESSAGE from `pending` (which `take` may refill), at most `inFlight` at
 * once, until nothing is pending or running. On the first failure nothing new starts; the batches running
 * are waited for, then that failure is thrown.
 */
function drain(pending: Dir[], take: (dirs: Dir[]) => Promise<void>, inFlight: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let running = 0
    let failure: { err: unknown } | undefined
    const pump = (): void => {
      while (!failure && pending.length > 0 && running < inFlight) {
        running++
        take(pending.splice(0, DIRS_PER_MESSAGE))
          .catch((err: unknown) => {
            failure ??= { err }
          })
          .finally(() => {
            running--
            pump()
          })
      }
      if (running > 0) return
      if (failure) reject(asError(failure.err))
      else resolve()
    }
    pump()
  })
}

/** The entry, or the path of one that is left out (a socket, FIFO or device). */
function liveEntry(root: string, base: string, dir: Dir, raw: PoolDirEntry, maxDepth: number): LiveEntry | { skipped: string } {
  const name = decodeName(root, dir.rel, raw.name)
  const rel = dir.rel === '' ? name : `${dir.rel}/${name}`
  if (dir.depth + 1 > maxDepth) {
    throw new UserError(`cannot capture ${root}: "${rel}" is nested deeper than ${maxDepth} levels`)
  }
  const abs = `${base}/${rel}`
  const { mode, uid, gid } = raw
  switch (raw.kind) {
    case 'd':
      return { path: rel, abs, type: 'dir', mode, size: 0, uid, gid }
    case 'f':
      return {
        path: rel,
        abs,
        type: 'file',
        mode,
        size: raw.size,
        uid,
        gid,
        stamp: { ino: raw.ino!, mtimeNs: raw.mtimeNs!, ctimeNs: raw.ctimeNs! },
      }
    case 'l':
      return { path: rel, abs, type: 'symlink', mode, size: 0, uid, gid, target: decodeName(root, rel, raw.target ?? new Uint8Array(0)) }
    case 'o':
    default:
      return { skipped: rel }
  }
}

/** A directory that could not be listed: gone since its parent was read is fine, anything else is not. */
function unlisted(root: string, rel: string, err: NodeJS.ErrnoException): void {
  if (rel !== '' && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return
  if (err.code === 'EACCES') {
    throw new UserError(`cannot read ${join(root, rel)}: permission denied; run lastgood as a user that can read it`)
  }
  throw err
}

export function stampOf(st: BigIntStats): FileStamp {
  return { ino: st.ino.toString(), mtimeNs: st.mtimeNs.toString(), ctimeNs: st.ctimeNs.toString() }
}

function decodeName(root: string, where: string, raw: string | Uint8Array): string {
  if (typeof raw === 'string') return raw
  try {
    return utf8.decode(raw)
  } catch {
    const shown = where === '' ? root : join(root, where)
    throw new UserError(
      `cannot capture ${root}: a name in ${shown} is not valid UTF-8 (${Buffer.from(raw).toString('hex')} in hex); rename it`,
    )
  }
}
