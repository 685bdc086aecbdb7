import { realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalReleaseComponent } from './local-release-component.js'
import type { LinkPolicy } from '../../file-tree/link-policy.js'
import { resolveLink } from '../../file-tree/symlink-containment.js'
import type { TreeEntry } from '../../file-tree/tree-entry.js'

/**
 * The directories a release's symlinks may point into: `links_allowed_into` when set, else `<path>/shared`
 * when it is a directory, as Capistrano lays it out beside `releases/` (its linked_files and linked_dirs),
 * else none. Each also by its real path, so an absolute link written against either spelling is recognised.
 */
export async function allowedLinkDirs(c: LocalReleaseComponent): Promise<string[]> {
  const shared = join(c.path, 'shared')
  const dirs = c.linksAllowedInto ?? ((await isDirectory(shared)) ? [shared] : [])
  const real = await Promise.all(dirs.map((d) => realpath(d).catch(() => d)))
  return [...new Set([...dirs, ...real])]
}

/** The policy for the release directory `releaseDir` (where it is, or where a restore will put it). */
export async function releaseLinkPolicy(c: LocalReleaseComponent, releaseDir: string): Promise<LinkPolicy> {
  return { root: releaseDir, allowedInto: await allowedLinkDirs(c) }
}

/** The links of a tree that lead out of it (into an allowed directory, once validated), for the plan to name. */
export function outsideLinks(entries: readonly TreeEntry[]): string[] {
  const tree = new Map(entries.map((e) => [e.path, e]))
  return entries.flatMap((e) =>
    e.type === 'symlink' && !('inside' in resolveLink(tree, e.path, e.target)) ? [`${e.path} → ${e.target}`] : [],
  )
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (st) => st.isDirectory(),
    () => false,
  )
}
