import { createHash } from 'node:crypto'
import type { BlobId } from '../repository/blob-store.js'

/**
 * One entry of a captured directory tree. Paths are POSIX, relative to the tree's root, exactly the bytes the
 * OS gave (never Unicode-normalised). `mode` holds the permission bits only (0o777): setuid, setgid and sticky
 * bits are neither captured nor restored, so a crafted manifest can never plant a setuid binary.
 * `uid` and `gid` are the numeric owner at capture (absent in manifests written before they were recorded);
 * a restore run as root gives them back (owner-rule.ts).
 */
export type TreeEntry = FileEntry | DirEntry | SymlinkEntry

/** The numeric owner of an entry, as lstat reports it. */
export interface Owner {
  uid: number
  gid: number
}

export interface FileEntry extends Partial<Owner> {
  path: string
  type: 'file'
  mode: number
  size: number
  /** Ids of `data` blobs, one per CHUNK_SIZE bytes; the last one may be shorter. Empty for an empty file. */
  content: BlobId[]
  /**
   * The inode number and change times (decimal strings: 64-bit, nanoseconds) of the file the content was
   * read from, when the capture could vouch for them. They let the next capture of the same component reuse
   * `content` without reading a file whose metadata did not change (see reuse-previous.ts). Never restored,
   * not part of the digest: the same bytes captured from another inode are the same tree.
   */
  ino?: string
  mtimeNs?: string
  ctimeNs?: string
}

/** The metadata fields of a FileEntry, all three or none. */
export interface FileStamp {
  ino: string
  mtimeNs: string
  ctimeNs: string
}

export interface DirEntry extends Partial<Owner> {
  path: string
  type: 'dir'
  mode: number
}

export interface SymlinkEntry extends Partial<Owner> {
  path: string
  type: 'symlink'
  /**
   * Resolving inside the tree, or into a directory the caller allows links into (a Capistrano `shared/`, see
   * link-policy.ts): restore refuses anything else. Only the link is kept, never what it points to.
   */
  target: string
}

/** Fixed chunking keeps memory bounded (one chunk at a time) and lets compare hash a live file without a store. */
export const CHUNK_SIZE = 8 * 1024 * 1024

export const MAX_DEPTH = 1024

/** Upper bounds a manifest must respect before anything is written (RELIABILITY case 6). */
export interface TreeLimits {
  maxEntries: number
  /** Sum of the sizes of all files. */
  maxBytes: number
  maxDepth: number
}

export const DEFAULT_LIMITS: TreeLimits = {
  maxEntries: 1_000_000,
  maxBytes: 1024 ** 4,
  maxDepth: MAX_DEPTH,
}

/** A tree as stored in a manifest body: entries sorted by path, and the digest that identifies their content. */
export interface CapturedTree {
  digest: string
  entries: TreeEntry[]
}

/** Orders paths by their UTF-8 bytes, so the order (and the digest) never depends on the JS string sort. */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Below the surrogates a UTF-16 unit is its code point, and UTF-8 keeps code point order; sorting 20k
    // paths this way avoids a million Buffer allocations. Surrogates order differently: compare the bytes.
    if (x < 0xd800 && y < 0xd800) return x - y
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
  }
  return a.length - b.length
}

export function sortEntries<T extends { path: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => comparePaths(a.path, b.path))
}

/**
 * SHA-256 over one canonical JSON line per entry, in path byte order. Two trees with the same digest have the
 * same paths, types, modes, owners, symlink targets and chunk ids, hence the same bytes (chunk ids are
 * SHA-256). The owner joins a line only when recorded, so a manifest written before owners were keeps its digest.
 */
export function treeDigest(entries: readonly TreeEntry[]): string {
  const hash = createHash('sha256')
  for (const e of sortEntries([...entries])) hash.update(canonicalLine(e))
  return hash.digest('hex')
}

function canonicalLine(e: TreeEntry): string {
  const owner = e.uid === undefined ? [] : [e.uid, e.gid]
  switch (e.type) {
    case 'file':
      return JSON.stringify(['file', e.path, e.mode, e.size, e.content, ...owner]) + '\n'
    case 'dir':
      return JSON.stringify(['dir', e.path, e.mode, ...owner]) + '\n'
    case 'symlink':
      return JSON.stringify(['symlink', e.path, e.target, ...owner]) + '\n'
  }
}

/** Every chunk id a set of entries needs, each once, for a manifest's `refs`. */
export function chunkRefs(entries: readonly TreeEntry[]): BlobId[] {
  const refs = new Set<BlobId>()
  for (const e of entries) if (e.type === 'file') for (const id of e.content) refs.add(id)
  return [...refs]
}

/** File count and byte total, for a manifest's `summary`. */
export function treeSummary(entries: readonly TreeEntry[]): { files: number; bytes: number } {
  let files = 0
  let bytes = 0
  for (const e of entries) {
    if (e.type !== 'file') continue
    files++
    bytes += e.size
  }
  return { files, bytes }
}

/** Permission bits as people read them: 0o644 → "0644". */
export function formatMode(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0')
}
