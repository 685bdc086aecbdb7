/**
 * The rules a path or a symlink target from a manifest must meet before anything is written. They answer with
 * the reason a value is refused, or undefined, so the caller decides which error to raise and with what context.
 */

/** Linux NAME_MAX: a longer segment would fail half-way through a restore instead of before it. */
const MAX_SEGMENT_BYTES = 255
/** Linux PATH_MAX minus the terminator; readlink cannot return more. */
const MAX_TARGET_BYTES = 4095

/** Why an entry path is unsafe (RELIABILITY case 4), or undefined when it is a plain relative path. */
export function pathProblem(path: string, maxDepth: number): string | undefined {
  if (path.length === 0) return 'the path is empty'
  if (path.includes('\0')) return 'the path contains a NUL byte'
  if (!isWellFormed(path)) return 'the path is not valid Unicode'
  if (path.startsWith('/')) return 'the path is absolute'
  const segments = path.split('/')
  if (segments.length > maxDepth) return `the path is nested deeper than ${maxDepth} levels`
  for (const segment of segments) {
    if (segment === '') return 'the path has an empty segment (// or a trailing /)'
    if (segment === '.' || segment === '..') return `the path has a "${segment}" segment`
    // A UTF-16 unit is at most 3 UTF-8 bytes: only a long segment needs counting (20k paths per manifest).
    if (segment.length * 3 > MAX_SEGMENT_BYTES && Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      return 'a path segment is longer than 255 bytes'
    }
  }
  return undefined
}

/**
 * Why a symlink target is unsafe on its own, or undefined. Where it leads (inside the tree, or into a directory
 * links are allowed into, absolute or not) is judged against the whole tree (symlink-containment.ts).
 */
export function targetProblem(target: string): string | undefined {
  if (target.length === 0) return 'the symlink target is empty'
  if (target.includes('\0')) return 'the symlink target contains a NUL byte'
  if (!isWellFormed(target)) return 'the symlink target is not valid Unicode'
  if (Buffer.byteLength(target, 'utf8') > MAX_TARGET_BYTES) return 'the symlink target is too long'
  return undefined
}

/**
 * A lone surrogate in a JSON string encodes to U+FFFD in UTF-8, so two different manifest paths could land on
 * the same file name; refusing them keeps "no duplicate paths" true on disk, not only in JSON.
 */
export function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed
  return native ? native.call(text) : Buffer.from(text, 'utf8').toString('utf8') === text
}

/** The parent of a relative path, or '' for a top-level entry. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}
