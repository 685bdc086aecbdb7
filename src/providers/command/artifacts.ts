import { realpath, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { UserError } from '../../core/errors.js'
import type { BlobStore } from '../../repository/blob-store.js'
import type { Change } from '../provider.js'
import { captureFile, captureTree } from '../../file-tree/capture-tree.js'
import { compareTree, fileMatches } from '../../file-tree/compare-tree.js'
import { materialiseTree } from '../../file-tree/materialise-tree.js'
import { formatMode, treeDigest } from '../../file-tree/tree-entry.js'
import { validateEntries } from '../../file-tree/validate-entries.js'
import type { ArtifactRecord } from './command-body.js'

/**
 * Stores one configured artifact (a file or a directory). The artifact path itself is followed if it is a
 * symlink, because the user named it; nothing inside a directory is. A missing artifact is recorded as
 * `absent`: "no such file yet" is a state a restore may have to return to. UserError for a socket or device.
 */
export async function captureArtifact(component: string, path: string, blobs: BlobStore): Promise<ArtifactRecord> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined
    throw err
  })
  if (!st) return { path, type: 'absent', mode: 0, digest: treeDigest([]), entries: [] }
  const real = await realpath(path)
  if (st.isDirectory()) {
    const tree = await captureTree(real, blobs)
    return { path, type: 'dir', mode: st.mode & 0o777, digest: tree.digest, entries: tree.entries }
  }
  if (!st.isFile()) throw new UserError(`component ${component}: artifact ${path} is neither a file nor a directory`)
  const entries = validateEntries([await captureFile(real, basename(path), st.mode & 0o777, blobs)])
  return { path, type: 'file', mode: st.mode & 0o777, digest: treeDigest(entries), entries }
}

/**
 * Writes an artifact into `dir` (created here, must not exist) and returns the path that holds it: `dir` for a
 * directory, `dir/<name>` for a file, null (nothing written) for an absent one. Validates everything before writing, like every restore. The caller's
 * private temporary directory (mkdtemp, 0700) is what keeps the content from other users, so a directory
 * artifact gets back its own mode.
 */
export async function materialiseArtifact(a: ArtifactRecord, dir: string, blobs: BlobStore): Promise<string | null> {
  if (a.type === 'absent') return null
  await materialiseTree(a.entries, dir, blobs, { rootMode: a.type === 'dir' ? a.mode : 0o700 })
  const only = a.entries[0]
  return a.type === 'file' && only ? join(dir, only.path) : dir
}

/** What putting the artifact back would change on disk now. Changes nothing. */
export async function compareArtifact(a: ArtifactRecord): Promise<Change[]> {
  if (a.type === 'absent') return compareAbsent(a)
  const only = a.entries[0]
  if (a.type === 'dir' || !only || only.type !== 'file') return compareDir(a)
  // Followed like at capture: the configured path may be a symlink to the real file.
  const st = await stat(a.path).catch(() => undefined)
  const sizes = { sizeAfter: only.size, ...(st?.isFile() ? { sizeBefore: st.size } : {}) }
  if (!st) return [{ kind: 'added', path: a.path, sizeAfter: only.size }]
  if (!st.isFile()) return [{ kind: 'changed', path: a.path, before: 'not a file', after: 'file', ...sizes }]
  const mode = st.mode & 0o777
  const modes = mode === only.mode ? {} : { before: formatMode(mode), after: formatMode(only.mode) }
  const same = st.size === only.size && (await fileMatches(await realpath(a.path), only))
  return same && mode === only.mode ? [] : [{ kind: 'changed', path: a.path, ...modes, ...sizes }]
}

async function compareDir(a: ArtifactRecord): Promise<Change[]> {
  const st = await stat(a.path).catch(() => undefined)
  const mode = st ? st.mode & 0o777 : a.mode
  const root: Change[] =
    st && !st.isDirectory()
      ? [{ kind: 'changed', path: a.path, before: 'not a directory', after: 'dir' }]
      : mode === a.mode
        ? []
        : [{ kind: 'changed', path: a.path, before: formatMode(mode), after: formatMode(a.mode) }]
  return [...root, ...(await compareTree(a.path, a.entries, { prefix: a.path }))]
}

/** Going back to "nothing there" removes whatever is there now. */
async function compareAbsent(a: ArtifactRecord): Promise<Change[]> {
  const st = await stat(a.path).catch(() => undefined)
  if (!st) return []
  if (!st.isDirectory()) return [{ kind: 'removed', path: a.path, sizeBefore: st.size }]
  return [{ kind: 'removed', path: a.path }, ...(await compareTree(a.path, [], { prefix: a.path }))]
}
