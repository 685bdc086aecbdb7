import { IntegrityError, UserError } from '../core/errors.js'
import { NotFoundError, isValidName, type Backend } from './backend.js'
import { isHex64, seal, unseal } from './crypto/seal.js'
import { aad } from './format.js'
import type { RepoSnapshot } from './types.js'

/**
 * `snapshots/<id>`: the sealed JSON of one RepoSnapshot, AAD bound to its id so a snapshot file copied
 * under another name fails to open. Written last, after the packs and index it refers to are durable.
 */

const ID = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/

export function assertSnapshotId(id: string): void {
  if (!ID.test(id) || !isValidName(id)) {
    throw new UserError(
      `invalid snapshot id ${JSON.stringify(id)}: use 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    )
  }
}

export function encodeSnapshot(s: RepoSnapshot, dataKey: Uint8Array): Buffer {
  return seal(dataKey, aad.snapshot(s.id), Buffer.from(JSON.stringify(s)))
}

/** Throws UserError for an unknown id, IntegrityError when the file is damaged or is not this snapshot. */
export async function loadSnapshotFile(backend: Backend, dataKey: Uint8Array, id: string): Promise<RepoSnapshot> {
  assertSnapshotId(id)
  let bytes: Uint8Array
  try {
    bytes = await backend.load({ type: 'snapshot', name: id })
  } catch (err) {
    if (err instanceof NotFoundError) throw new UserError(`no snapshot ${id} in repository ${backend.location}`)
    throw err
  }
  const plain = unseal(dataKey, aad.snapshot(id), bytes)
  if (!plain) throw new IntegrityError(id, `snapshot ${id} failed authentication: it is damaged or is not snapshot ${id}`)
  let s: RepoSnapshot
  try {
    s = JSON.parse(plain.toString('utf8')) as RepoSnapshot
  } catch {
    throw new IntegrityError(id, `snapshot ${id} is not valid JSON`)
  }
  const problem = checkShape(s)
  if (problem || s.id !== id) throw new IntegrityError(id, `snapshot ${id} is malformed: ${problem ?? 'its id differs'}`)
  return s
}

/** Returns what is wrong with a snapshot document, or undefined. */
export function checkShape(s: RepoSnapshot): string | undefined {
  if (typeof s !== 'object' || s === null) return 'not an object'
  for (const k of ['id', 'app', 'createdAt', 'kind'] as const) if (typeof s[k] !== 'string') return `${k} is not a string`
  if (!Array.isArray(s.components)) return 'components is not a list'
  for (const c of s.components) {
    if (typeof c?.name !== 'string' || typeof c.provider !== 'string' || typeof c.version !== 'string') {
      return 'a component lacks name, provider or version'
    }
    if (!isHex64(c.manifest)) return `component ${c.name} has no valid manifest id`
  }
  if (s.meta !== undefined && (typeof s.meta !== 'object' || s.meta === null)) return 'meta is not an object'
  return undefined
}
