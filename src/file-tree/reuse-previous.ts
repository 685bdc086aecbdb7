import type { BlobStore } from '../repository/blob-store.js'
import { CHUNK_SIZE, type FileEntry, type FileStamp } from './tree-entry.js'
import type { LiveEntry } from './walk-tree.js'

const BLOB_ID = /^[0-9a-f]{64}$/
const NS_PER_SECOND = 1_000_000_000n

/**
 * Files of the previous capture of a component (its manifest entries) that a new capture may take over
 * without reading them again, as restic does with its parent snapshot. A file is taken over only when its
 * path, size, inode number, mtime and ctime all equal what the previous capture recorded, and every one of
 * its chunks is still in the repository.
 *
 * Why this is safe: mtime can be set by anyone who can write the file (touch -d, tar, rsync -t), but ctime
 * cannot: the kernel sets it to "now" on every change of content or metadata (write, truncate, chmod, chown,
 * rename, link), and no system call lets a user choose it. The same ctime on the same inode means nothing
 * changed since it was recorded. The one gap is a change in the same clock tick as the recorded ctime, which
 * would leave every field equal; `settled` keeps such "racy" stamps (git's word) out of the manifest.
 *
 * The previous manifest comes from the repository (authenticated) but is read defensively: an entry that
 * does not have exactly the shape a capture writes is ignored, so it can only cost a read, never a wrong id.
 */
export class PreviousFiles {
  private readonly byPath = new Map<string, FileEntry & FileStamp>()

  constructor(entries: unknown) {
    if (!Array.isArray(entries)) return
    for (const e of entries as unknown[]) {
      const file = reusableShape(e)
      if (file) this.byPath.set(file.path, file)
    }
  }

  get size(): number {
    return this.byPath.size
  }

  /** The entry to record for `live` without reading it, or undefined when it must be read. */
  async reuse(live: LiveEntry, blobs: BlobStore): Promise<FileEntry | undefined> {
    const prev = this.byPath.get(live.path)
    const stamp = live.stamp
    if (!prev || !stamp || live.type !== 'file' || prev.size !== live.size) return undefined
    if (prev.ino !== stamp.ino || prev.mtimeNs !== stamp.mtimeNs || prev.ctimeNs !== stamp.ctimeNs) return undefined
    // A chunk prune has removed since would make a snapshot that cannot be restored: read the file again.
    for (const id of prev.content) if (!(await blobs.hasBlob(id))) return undefined
    return {
      path: live.path,
      type: 'file',
      mode: live.mode,
      size: live.size,
      content: [...prev.content],
      uid: live.uid,
      gid: live.gid,
      ...stamp,
    }
  }
}

/**
 * Whether a file's stamp may be recorded: its ctime is older, by more than a timestamp tick, than the moment
 * the capture began. Otherwise a later change within the same tick would keep the same ctime and the next
 * capture would reuse stale content. The tick is the file system's timestamp granularity: a ctime with a
 * fraction of a second means a fine-grained clock (Linux local file systems: one scheduler tick, at most
 * 10 ms; 100 ms leaves room for clock adjustments); a whole second may mean 1 s (ext3, HFS+, some network file
 * systems) or 2 s (FAT), so it waits 2 s.
 */
export function settled(ctimeNs: bigint, captureStartedNs: bigint): boolean {
  const tick = ctimeNs % NS_PER_SECOND === 0n ? 2n * NS_PER_SECOND : NS_PER_SECOND / 10n
  return ctimeNs + tick <= captureStartedNs
}

function reusableShape(e: unknown): (FileEntry & FileStamp) | undefined {
  if (typeof e !== 'object' || e === null) return undefined
  const f = e as Partial<Record<keyof FileEntry, unknown>>
  if (f.type !== 'file' || typeof f.path !== 'string') return undefined
  if (typeof f.ino !== 'string' || typeof f.mtimeNs !== 'string' || typeof f.ctimeNs !== 'string') return undefined
  const size = f.size
  const content = f.content
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || !Array.isArray(content)) return undefined
  if (content.length !== Math.ceil(size / CHUNK_SIZE)) return undefined
  if (!content.every((id) => typeof id === 'string' && BLOB_ID.test(id))) return undefined
  return {
    path: f.path,
    type: 'file',
    mode: 0,
    size,
    content: content as string[],
    ino: f.ino,
    mtimeNs: f.mtimeNs,
    ctimeNs: f.ctimeNs,
  }
}
