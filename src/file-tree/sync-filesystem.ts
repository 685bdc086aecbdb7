import { execFile } from 'node:child_process'
import { platform, release } from 'node:os'

/**
 * How a restore makes the tree it wrote durable before the caller makes it visible:
 * - `syncfs`: write every file without fsync, then one syncfs(2) of the file system holding the tree.
 * - `fsync`: fsync every file and every directory, one at a time (what lastgood did first, and the fallback).
 *
 * Why syncfs: a release is ~20k small files; one fsync each is one journal commit each (~0.5 ms here, 10 s a
 * release, more than all the rest of the restore), while one syncfs writes the same data in one pass and one
 * commit. Node has no syncfs binding, but `sync -f DIR` (coreutils ≥ 8.24) is exactly syncfs(2) on DIR.
 * It is only as good as its error reporting: since Linux 5.8 syncfs returns writeback errors (EIO, ENOSPC)
 * recorded on the file system that nobody has seen yet, even those from before it was called; before 5.8 it
 * returned 0 whatever happened, so older kernels, other systems, and a `sync` without -f get `fsync`.
 * The cost: syncfs also writes other processes' dirty data on that file system, once, at the end of a restore.
 */
export type Durability = 'syncfs' | 'fsync'

let chosen: Promise<Durability> | undefined

/** The mode this process uses: probed once (`sync -f` on /proc, which has nothing to write), then remembered. */
export function durability(): Promise<Durability> {
  chosen ??= probe()
  return chosen
}

/** syncfs(2) on the file system holding `dir`. Throws with sync's own message when it reports an error. */
export function syncFilesystem(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sync', ['-f', dir], { encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) return resolve()
      const why = stderr.trim() || err.message
      reject(new Error(`making the restored files under ${dir} durable failed: ${why}`, { cause: err }))
    })
  })
}

async function probe(): Promise<Durability> {
  if (platform() !== 'linux' || !reportsErrors(release())) return 'fsync'
  return syncFilesystem('/proc/self').then(
    () => 'syncfs' as const,
    () => 'fsync' as const,
  )
}

/** Linux 5.8 is the first kernel whose syncfs returns writeback errors (commit 735e4ae5ba28). */
export function reportsErrors(kernel: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernel)
  if (!m) return false
  const [major, minor] = [Number(m[1]), Number(m[2])]
  return major > 5 || (major === 5 && minor >= 8)
}
