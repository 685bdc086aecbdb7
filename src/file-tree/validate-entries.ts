import { parentOf, pathProblem, targetProblem } from './path-rules.js'
import { parseMode, parseOwner, parseStamp, refused } from './entry-fields.js'
import { allowedTarget, describePolicy, type LinkPolicy } from './link-policy.js'
import { resolveLink } from './symlink-containment.js'
import { CHUNK_SIZE, DEFAULT_LIMITS, sortEntries, treeDigest, type CapturedTree, type TreeEntry, type TreeLimits } from './tree-entry.js'

const BLOB_ID = /^[0-9a-f]{64}$/

/**
 * Turns an untrusted manifest tree (JSON read back from the repository) into entries that are safe to write:
 * every path, parent, symlink target, mode, size and chunk list is checked, and the digest recomputed, before
 * the caller writes anything. Throws IntegrityError naming the first bad entry (RELIABILITY cases 4, 5, 6).
 * Returns fresh objects sorted by path, so nothing unchecked rides along.
 */
export function parseCapturedTree(raw: unknown, limits: TreeLimits = DEFAULT_LIMITS, links?: LinkPolicy): CapturedTree {
  if (!isRecord(raw) || typeof raw.digest !== 'string') throw refused('', 'the tree has no digest')
  const entries = validateEntries(raw.entries, limits, links)
  if (treeDigest(entries) !== raw.digest) {
    throw refused('', 'the entries do not match the tree digest')
  }
  return { digest: raw.digest, entries }
}

/**
 * The checks of parseCapturedTree without the digest. A symlink may leave the tree only into a directory
 * `links` allows; without a policy every link must stay inside.
 */
export function validateEntries(raw: unknown, limits: TreeLimits = DEFAULT_LIMITS, links?: LinkPolicy): TreeEntry[] {
  if (!Array.isArray(raw)) throw refused('', 'the entry list is not an array')
  if (raw.length > limits.maxEntries) {
    throw refused('', `the tree has ${raw.length} entries, more than the limit of ${limits.maxEntries}`)
  }
  const byPath = new Map<string, TreeEntry>()
  let totalBytes = 0
  for (const item of raw) {
    const entry = parseEntry(item, limits)
    if (byPath.has(entry.path)) throw refused(entry.path, 'the path appears twice')
    byPath.set(entry.path, entry)
    if (entry.type === 'file') totalBytes += entry.size
    if (totalBytes > limits.maxBytes) {
      throw refused(entry.path, `the files add up to more than the limit of ${limits.maxBytes} bytes`)
    }
  }
  for (const entry of byPath.values()) {
    const parent = parentOf(entry.path)
    // Only a directory declared in this manifest may hold an entry: `a` as a symlink then `a/x` would write
    // through the link.
    if (parent !== '' && byPath.get(parent)?.type !== 'dir') {
      throw refused(entry.path, `its parent "${parent}" is not a directory of this tree`)
    }
    if (entry.type === 'symlink') checkLink(byPath, entry.path, entry.target, links)
  }
  return sortEntries([...byPath.values()])
}

function checkLink(tree: ReadonlyMap<string, TreeEntry>, path: string, target: string, links: LinkPolicy | undefined): void {
  const r = resolveLink(tree, path, target)
  if ('inside' in r) return
  if ('loops' in r) throw refused(path, `the symlink target "${target}" loops`)
  if (allowedTarget(links, r.leaves)) return
  const what = target.startsWith('/') ? 'is absolute and leads' : 'resolves'
  throw refused(path, `the symlink target "${target}" ${what} outside the tree (${describePolicy(links)})`)
}

function parseEntry(item: unknown, limits: TreeLimits): TreeEntry {
  if (!isRecord(item) || typeof item.path !== 'string') throw refused('', 'an entry has no path')
  const path = item.path
  const problem = pathProblem(path, limits.maxDepth)
  if (problem) throw refused(path, problem)
  switch (item.type) {
    case 'dir':
      return { path, type: 'dir', mode: parseMode(path, item.mode), ...parseOwner(path, item) }
    case 'symlink': {
      if (typeof item.target !== 'string') throw refused(path, 'the symlink has no target')
      const targetIssue = targetProblem(item.target)
      if (targetIssue) throw refused(path, targetIssue)
      return { path, type: 'symlink', target: item.target, ...parseOwner(path, item) }
    }
    case 'file': {
      const size = item.size
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw refused(path, 'the file size is not a non-negative integer')
      }
      const content = item.content
      if (!Array.isArray(content) || !content.every((id) => typeof id === 'string' && BLOB_ID.test(id))) {
        throw refused(path, 'the chunk list is not a list of blob ids')
      }
      // Fixed chunking: the size decides the chunk count, so a size that does not match its chunks is a lie.
      if (content.length !== Math.ceil(size / CHUNK_SIZE)) {
        throw refused(path, `the size ${size} does not match its ${content.length} chunks`)
      }
      return {
        path,
        type: 'file',
        mode: parseMode(path, item.mode),
        size,
        content: [...(content as string[])],
        ...parseOwner(path, item),
        ...parseStamp(path, item),
      }
    }
    default:
      throw refused(path, 'the entry type is not file, dir or symlink')
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
