import { IntegrityError } from '../core/errors.js'
import type { Owner } from './tree-entry.js'

/**
 * The checks of one field of a manifest entry read back from the repository (validate-entries.ts): each
 * returns the value, fresh, or throws an IntegrityError naming the entry.
 */

/** Inode numbers are unsigned 64-bit; times are signed nanoseconds (before 1970 is possible), 64-bit too. */
const INO = /^[0-9]{1,20}$/
const TIME_NS = /^-?[0-9]{1,20}$/

/**
 * The optional capture metadata of a file (tree-entry.ts, FileEntry). Never restored, only compared by the
 * next capture, but still bounded: a manifest field of any size or type would ride along into every later
 * snapshot that reuses the entry.
 */
export function parseStamp(path: string, item: Record<string, unknown>): { ino?: string; mtimeNs?: string; ctimeNs?: string } {
  const out: { ino?: string; mtimeNs?: string; ctimeNs?: string } = {}
  for (const [key, pattern] of [
    ['ino', INO],
    ['mtimeNs', TIME_NS],
    ['ctimeNs', TIME_NS],
  ] as const) {
    const value = item[key]
    if (value === undefined) continue
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw refused(path, `the ${key} field is not a decimal string of at most 20 digits`)
    }
    out[key] = value
  }
  return out
}

/** uid_t and gid_t are 32-bit; (uid_t)-1 means "leave unchanged" to chown, so it is no owner. */
const MAX_ID = 2 ** 32 - 2

/** The numeric owner, both ids or neither (absent in manifests written before owners were recorded). */
export function parseOwner(path: string, item: Record<string, unknown>): Partial<Owner> {
  if (item.uid === undefined && item.gid === undefined) return {}
  const valid = (id: unknown) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= MAX_ID
  if (!valid(item.uid) || !valid(item.gid)) throw refused(path, 'the owner is not a pair of numeric ids (uid and gid)')
  return { uid: item.uid as number, gid: item.gid as number }
}

export function parseMode(path: string, mode: unknown): number {
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw refused(path, 'the mode is not a permission value between 0000 and 0777')
  }
  return mode
}

/** JSON-quoting the path keeps a NUL byte or a control character visible, and harmless, in the message. */
export function refused(path: string, reason: string): IntegrityError {
  const where = path === '' ? 'manifest tree' : `manifest entry ${JSON.stringify(path)}`
  return new IntegrityError('manifest', `${where}: ${reason}; refusing to restore it, nothing was written`)
}
