import { posix } from 'node:path'

/**
 * Which symlinks leaving a tree are kept as links: Capistrano's `linked_files` and `linked_dirs` point from
 * each release into `shared/`, which the deploy tool owns and no release holds. Only the link is captured and
 * restored, never what it points to, and nothing is ever written through a link: an entry below a link is
 * refused whatever the link's target (validate-entries.ts, "its parent is not a directory").
 */
export interface LinkPolicy {
  /** Absolute path the tree's root has (or will have, once restored): relative targets resolve from it. */
  root: string
  /** Absolute directories a link may point at or into; empty: every link must stay inside the tree. */
  allowedInto: readonly string[]
}

/**
 * The absolute path a link that left the tree leads to (`leaves` from symlink-containment.ts), when it is
 * inside one of the allowed directories; undefined otherwise. Judged on the text, with `..` folded: the
 * allowed directory's own content (a link in shared/ leading elsewhere) is the deploy tool's, not ours.
 */
export function allowedTarget(policy: LinkPolicy | undefined, leaves: string): string | undefined {
  if (!policy || policy.allowedInto.length === 0) return undefined
  const abs = posix.resolve(policy.root, leaves)
  return policy.allowedInto.some((dir) => within(abs, posix.resolve(dir))) ? abs : undefined
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`)
}

/** For messages: where links may lead, or that they must stay inside. */
export function describePolicy(policy: LinkPolicy | undefined): string {
  if (!policy || policy.allowedInto.length === 0) return 'links must stay inside the tree'
  return `links may leave the tree only into ${policy.allowedInto.join(', ')}`
}
