import { randomBytes } from 'node:crypto'
import { lstat, mkdir, readdir, rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobStore } from '../../repository/blob-store.js'
import { treeMatches } from '../../file-tree/compare-tree.js'
import { fsyncDir } from '../../core/fsync-dir.js'
import { removeTree } from '../../file-tree/durable-fs.js'
import { materialiseTree, type MaterialiseOptions } from '../../file-tree/materialise-tree.js'
import type { CapturedTree } from '../../file-tree/tree-entry.js'
import { displacedName } from './displaced-copies.js'

const TEMP_PREFIX = '.lastgood-tmp-'

export interface Placed {
  path: 'fast' | 'materialise'
  /** Where a modified copy of the release was moved, if one was in the way. */
  displaced?: string
}

/** How the release is written: owners, links allowed out of it, its own mode and owner (materialise-tree.ts). */
export type PlaceOptions = Pick<MaterialiseOptions, 'owners' | 'links' | 'rootMode' | 'rootOwner'>

/**
 * Makes `<releases>/<release>` hold exactly `tree` (owners included, when `options.owners` gives them). Fast
 * when it already does. Otherwise the tree is written
 * into `.lastgood-tmp-<random>` beside it (whole or absent), a different directory already using the name is
 * moved aside to `<release>.displaced-<time>` (user data: kept under the component's retention rule, see
 * displaced-copies.ts), and the new one renamed in.
 * Does not touch `current`: if it throws, the live release is unchanged (with one exception: `current` itself
 * points at a release of that name that was modified in place, and the process dies between the two renames).
 * Idempotent, and safe to rerun after a crash at any step: temporaries a killed run left are removed first
 * (the caller's target lock means no other restore of this component is using them).
 */
export async function placeRelease(
  releases: string,
  release: string,
  tree: CapturedTree,
  blobs: BlobStore,
  options: PlaceOptions = {},
): Promise<Placed> {
  await mkdir(releases, { recursive: true })
  await removeStaleTemps(releases)
  const target = join(releases, release)
  const existing = await lstat(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw err
  })
  if (existing?.isDirectory() && (await treeMatches(target, tree.entries, options.owners))) return { path: 'fast' }

  const temp = join(releases, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`)
  await materialiseTree(tree.entries, temp, blobs, options)
  let displaced: string | undefined
  try {
    if (existing) displaced = await moveAside(target, releases, release)
    await rename(temp, target)
  } catch (err) {
    if (displaced) await rename(displaced, target).catch(() => undefined)
    await removeTree(temp)
    throw err
  }
  await fsyncDir(releases)
  // No log line: the restore's result says it, and status lists the copy until retention removes it.
  return displaced ? { path: 'materialise', displaced } : { path: 'materialise' }
}

async function moveAside(target: string, releases: string, release: string): Promise<string> {
  let aside = join(releases, displacedName(release, new Date()))
  if (
    await lstat(aside).then(
      () => true,
      () => false,
    )
  )
    aside += `-${randomBytes(3).toString('hex')}`
  await rename(target, aside)
  return aside
}

async function removeStaleTemps(releases: string): Promise<void> {
  for (const name of await readdir(releases)) {
    if (name.startsWith(TEMP_PREFIX)) await removeTree(join(releases, name))
  }
}
