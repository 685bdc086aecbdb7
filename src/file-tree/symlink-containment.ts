import { parentOf } from './path-rules.js'
import type { TreeEntry } from './tree-entry.js'

/** The kernel gives up after 40 links (ELOOP); we refuse before writing rather than leave a loop behind. */
const MAX_HOPS = 40

/**
 * Where a link of the tree leads: `inside` the tree; `leaves` it, with the rest of the path from the point it
 * left (absolute, or relative to the tree's root and starting with `..`), for the caller to judge against its
 * link policy (link-policy.ts); or `loops`.
 */
export type LinkResolution = { inside: true } | { leaves: string } | { loops: true }

/**
 * Resolves the link at `linkPath` (RELIABILITY case 5), following the tree's own symlinks as the kernel would.
 * Checking each target lexically is not enough: with `x/y/up → ../..` (inside), `t → x/y/up/..` looks inside
 * lexically but leaves the root once `up` is followed. Components missing from the tree are taken lexically:
 * the kernel would stop there (ENOENT), so that is safe. Past the point a path leaves the tree, nothing of the
 * tree applies any more: the rest is returned as it is.
 */
export function resolveLink(tree: ReadonlyMap<string, TreeEntry>, linkPath: string, target: string): LinkResolution {
  if (target.startsWith('/')) return { leaves: target }
  const location = splitPath(parentOf(linkPath))
  // A stack of the components still to walk, last one on top, so expanding a link is a push.
  const pending = splitPath(target).reverse()
  const rest = (...head: string[]) => [...head, ...[...pending].reverse()].join('/')
  let hops = 0
  for (let segment = pending.pop(); segment !== undefined; segment = pending.pop()) {
    if (segment === '.') continue
    if (segment === '..') {
      if (location.length === 0) return { leaves: rest('..') }
      location.pop()
      continue
    }
    const entry = tree.get([...location, segment].join('/'))
    if (entry?.type === 'symlink') {
      if (++hops > MAX_HOPS) return { loops: true }
      // An absolute link restarts from /, outside the tree; a relative one resolves against `location`.
      if (entry.target.startsWith('/')) return { leaves: '/' + rest(...splitPath(entry.target)) }
      pending.push(...splitPath(entry.target).reverse())
      continue
    }
    location.push(segment)
  }
  return { inside: true }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}
