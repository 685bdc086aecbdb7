import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { removeTree } from '../../file-tree/durable-fs.js'

/**
 * A release directory a restore moved aside because it differed from the snapshot (an app that writes inside
 * its release): `<release>.displaced-<YYYYMMDDTHHMMSSZ>[-<hex>]` in the releases directory. It may hold the
 * only copy of something, so it is kept for a while, not forever: one full copy per rollback fills a disk.
 */
export interface DisplacedCopy {
  /** Directory name, inside the releases directory. */
  name: string
  release: string
  /** When it was moved aside (from its name), ISO 8601. */
  movedAt: string
}

export interface DisplacedRetention {
  keepLast: number
  keepWithinMs: number
}

/** Two copies, a week: room to look at what an app wrote before it is gone, without a disk filling up. */
export const DEFAULT_DISPLACED: DisplacedRetention = { keepLast: 2, keepWithinMs: 7 * 86_400_000 }

/** The component's rule, its unset parts from the defaults. */
export function displacedRetention(set: Partial<DisplacedRetention> | undefined): DisplacedRetention {
  return { ...DEFAULT_DISPLACED, ...set }
}

const NAME = /^(.+)\.displaced-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-[0-9a-f]+)?$/

/** The name a copy of `release` moved aside at `at` gets (a suffix is added if it is taken). */
export function displacedName(release: string, at: Date): string {
  return `${release}.displaced-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`
}

/** The displaced copies in `releases`, newest first. Reads only; a missing directory holds none. */
export async function listDisplaced(releases: string): Promise<DisplacedCopy[]> {
  const names = await readdir(releases).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return []
    throw err
  })
  const copies = names.flatMap((name) => {
    const m = NAME.exec(name)
    if (!m) return []
    const [, release, y, mo, d, h, mi, s] = m as unknown as string[]
    return [{ name, release: release!, movedAt: `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z` }]
  })
  return copies.sort((a, b) => b.movedAt.localeCompare(a.movedAt) || b.name.localeCompare(a.name))
}

/** The copies the rule does not keep: beyond the newest keepLast, or older than keepWithinMs. */
export function beyondRetention(copies: readonly DisplacedCopy[], rule: DisplacedRetention, now: number): DisplacedCopy[] {
  return copies.filter((c, i) => i >= rule.keepLast || now - Date.parse(c.movedAt) > rule.keepWithinMs)
}

/**
 * Removes the copies the rule does not keep, except one `current` points to (`live`), and returns their
 * names. Only directories are removed; anything else of a matching name is not ours and stays.
 */
export async function pruneDisplaced(
  releases: string,
  rule: DisplacedRetention,
  live: string | undefined,
  now = Date.now(),
): Promise<string[]> {
  const removed: string[] = []
  for (const copy of beyondRetention(await listDisplaced(releases), rule, now)) {
    if (copy.name === live) continue
    const path = join(releases, copy.name)
    if (
      !(await lstat(path).then(
        (st) => st.isDirectory(),
        () => false,
      ))
    )
      continue
    await removeTree(path)
    removed.push(copy.name)
  }
  return removed
}
