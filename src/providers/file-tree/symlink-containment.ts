import { parentOf } from './path-rules.js'
import type { TreeEntry } from './tree-entry.js'

/** The kernel gives up after 40 links (ELOOP); we refuse before writing rather than leave a loop behind. */
const MAX_HOPS = 40

/**
 * Whether the link at `linkPath` resolves inside the tree (RELIABILITY case 5), following the tree's own
 * symlinks as the kernel would. Checking each target lexically is not enough: with `x/y/up → ../..` (inside),
 * `t → x/y/up/..` looks inside lexically but leaves the root once `up` is followed.
 * Components missing from the tree are taken lexically: the kernel would stop there (ENOENT), so that is safe.
 */
export function resolvesInside(tree: ReadonlyMap<string, TreeEntry>, linkPath: string, target: string): boolean {
  const location = splitPath(parentOf(linkPath))
  // A stack of the components still to walk, last one on top, so expanding a link is a push.
  const pending = splitPath(target).reverse()
  let hops = 0
  for (let segment = pending.pop(); segment !== undefined; segment = pending.pop()) {
    if (segment === '.') continue
    if (segment === '..') {
      if (location.length === 0) return false
      location.pop()
      continue
    }
    const entry = tree.get([...location, segment].join('/'))
    if (entry?.type === 'symlink') {
      if (++hops > MAX_HOPS || entry.target.startsWith('/')) return false
      // A link resolves against the directory that holds it, which is `location` now.
      pending.push(...splitPath(entry.target).reverse())
      continue
    }
    location.push(segment)
  }
  return true
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}
