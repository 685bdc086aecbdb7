/** How the throughput bench measures one step: wall time and peak RSS of a real process, bytes on disk, cache state. */
import { execFileSync, spawnSync } from 'node:child_process'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

export interface Timed {
  ms: number
  rssMb: number
  stdout: string
}

/** Runs a command under /usr/bin/time to get its peak RSS; wall time includes process start. Throws on a non-zero exit. */
export function timed(cmd: string, args: string[], env: Record<string, string> = {}, cwd?: string): Timed {
  const started = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS_KB=%M', cmd, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...(cwd ? { cwd } : {}),
  })
  const ms = performance.now() - started
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  const rss = Number(/RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0)
  return { ms, rssMb: rss / 1024, stdout: r.stdout }
}

/** Apparent size of every file under dir. */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size
  }
  return total
}

/**
 * Reads every file of a release once, so each tool starts from a warm page cache. Without it the first tool
 * to touch a release pays for the disk and the next ones do not.
 */
export async function warm(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) await readFile(join(e.parentPath, e.name))
  }
}

/**
 * Writes back every dirty page, untimed, before a step that ends in a sync: otherwise that sync would also
 * pay for whatever the previous tool (or the previous round's clean-up) left in the page cache.
 */
export function flushPageCache(): void {
  execFileSync('sync')
}
