import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { UserError } from '../../core/errors.js'
import { MAX_DEPTH, sortEntries } from './tree-entry.js'

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
  target?: string
}

export interface WalkOptions {
  maxDepth?: number
  /** Called for sockets, FIFOs and devices, which hold no content worth keeping and are left out. */
  onSkip?: (path: string, why: string) => void
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Lists everything under `root` (not `root` itself), sorted by path. Reads names as bytes and refuses one that
 * is not UTF-8 (UserError) instead of storing a lossy name that would restore as a different file. Entries that
 * vanish during the walk are left out. Never changes anything.
 */
export async function listTree(root: string, options: WalkOptions = {}): Promise<LiveEntry[]> {
  const maxDepth = options.maxDepth ?? MAX_DEPTH
  const out: LiveEntry[] = []
  // An explicit stack: a tree 1,024 levels deep must not depend on the call stack.
  const pending: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }]
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const raw of await readNames(root, dir.rel)) {
      const name = decodeName(root, dir.rel, raw)
      const rel = dir.rel === '' ? name : `${dir.rel}/${name}`
      const abs = join(root, rel)
      if (dir.depth + 1 > maxDepth) {
        throw new UserError(`cannot capture ${root}: "${rel}" is nested deeper than ${maxDepth} levels`)
      }
      const st = await lstat(abs).catch(ignoreVanished)
      if (!st) continue
      const mode = st.mode & 0o777
      if (st.isDirectory()) {
        out.push({ path: rel, abs, type: 'dir', mode, size: 0 })
        pending.push({ rel, depth: dir.depth + 1 })
      } else if (st.isFile()) {
        out.push({ path: rel, abs, type: 'file', mode, size: st.size })
      } else if (st.isSymbolicLink()) {
        const target = await readlink(abs, { encoding: 'buffer' }).catch(ignoreVanished)
        if (!target) continue
        out.push({ path: rel, abs, type: 'symlink', mode, size: 0, target: decodeName(root, rel, target) })
      } else {
        options.onSkip?.(rel, 'not a file, directory or symlink')
      }
    }
  }
  return sortEntries(out)
}

async function readNames(root: string, rel: string): Promise<Buffer[]> {
  try {
    return await readdir(join(root, rel), { encoding: 'buffer' })
  } catch (err) {
    if (rel !== '' && (err as NodeJS.ErrnoException).code === 'ENOENT') return []
    if ((err as NodeJS.ErrnoException).code === 'EACCES') {
      throw new UserError(`cannot read ${join(root, rel)}: permission denied; run lastgood as a user that can read it`)
    }
    throw err
  }
}

function decodeName(root: string, where: string, raw: Buffer): string {
  try {
    return utf8.decode(raw)
  } catch {
    const shown = where === '' ? root : join(root, where)
    throw new UserError(
      `cannot capture ${root}: a name in ${shown} is not valid UTF-8 (${raw.toString('hex')} in hex); rename it`,
    )
  }
}

function ignoreVanished(err: unknown): undefined {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
  throw err
}
