import { createHash } from 'node:crypto'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { forEachChunk } from '../../../file-tree/read-chunks.js'
import type { BlobStore } from '../../../repository/blob-store.js'
import { messageOf } from '../../../core/errors.js'

/** One log file kept as evidence. `blob` holds its bytes; a file over one chunk (8 MiB) lists `chunks` too. */
export interface EvidenceLog {
  path: string
  bytes: number
  /** SHA-256 of the whole file as read. */
  sha256: string
  /** Id of the data blob of the first (for most logs the only) chunk; absent for an empty file. */
  blob?: string
  /** Every chunk's blob id, in order, when there is more than one. */
  chunks?: string[]
}

/** A configured path that could not be kept, and why (gone, unreadable, not a file). Recorded, not fatal. */
export interface EvidenceGap {
  path: string
  problem: string
}

/**
 * Copies log files (a directory: every regular file below it, recursively, in name order) into the
 * repository. A path that is missing or unreadable is a gap in the evidence, reported but not fatal: logs
 * an intruder deleted must not stop the isolation that follows.
 */
export async function copyLogs(paths: string[], blobs: BlobStore): Promise<{ logs: EvidenceLog[]; gaps: EvidenceGap[] }> {
  const logs: EvidenceLog[] = []
  const gaps: EvidenceGap[] = []
  for (const path of paths) {
    for (const file of await listFiles(path, gaps)) {
      try {
        logs.push(await copyFile(file, blobs))
      } catch (err) {
        gaps.push({ path: file, problem: messageOf(err) })
      }
    }
  }
  return { logs, gaps }
}

async function listFiles(path: string, gaps: EvidenceGap[]): Promise<string[]> {
  const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    gaps.push({ path, problem: err.code === 'ENOENT' ? 'not found' : err.message })
    return undefined
  })
  if (!st) return []
  if (st.isFile()) return [path]
  if (!st.isDirectory()) {
    gaps.push({ path, problem: 'not a regular file or directory (symlinks are not followed)' })
    return []
  }
  const out: string[] = []
  const entries = await readdir(path, { withFileTypes: true })
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isFile() || e.isDirectory()) out.push(...(await listFiles(join(path, e.name), gaps)))
  }
  return out
}

async function copyFile(path: string, blobs: BlobStore): Promise<EvidenceLog> {
  const hash = createHash('sha256')
  const chunks: string[] = []
  const read = await forEachChunk(path, async (chunk) => {
    hash.update(chunk)
    chunks.push(await blobs.putBlob('data', chunk))
  })
  return {
    path,
    bytes: read.bytes,
    sha256: hash.digest('hex'),
    ...(chunks.length > 0 ? { blob: chunks[0] } : {}),
    ...(chunks.length > 1 ? { chunks } : {}),
  }
}
