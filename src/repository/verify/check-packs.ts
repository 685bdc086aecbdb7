import { IntegrityError, messageOf } from '../../core/errors.js'
import { listAll, type FileInfo } from '../backend.js'
import { sha256Hex } from '../crypto/seal.js'
import type { PackRecord } from '../index/index-file.js'
import { openBlob } from '../pack/blob-codec.js'
import { decodeHeader } from '../pack/pack-header.js'
import type { RepoCore } from '../repo-core.js'
import type { VerifyProblem } from '../types.js'

export interface PackCheckInput {
  /** blob id → a snapshot that needs it */
  needed: Map<string, string>
  /** Check every pack in the index and report packs no index knows; otherwise only packs holding needed blobs. */
  all: boolean
  readData: boolean
}

/** One pack at a time, so memory stays bounded by the pack size. */
export async function checkPacks(
  core: RepoCore,
  input: PackCheckInput,
): Promise<{ problems: VerifyProblem[]; checked: number; bytesRead: number }> {
  const problems: VerifyProblem[] = []
  const packIds = new Set<string>()
  for (const b of input.needed.keys()) {
    const loc = core.index.get(b)
    if (loc) packIds.add(loc.packId)
  }
  let stored: Map<string, FileInfo> | undefined
  if (input.all) {
    for (const id of core.index.packs.keys()) packIds.add(id)
    stored = new Map((await listAll(core.backend, 'pack')).map((f) => [f.name, f]))
    for (const f of stored.values()) {
      if (!core.index.packs.has(f.name)) {
        problems.push({
          object: f.name,
          kind: 'unreferenced',
          message: 'in no index (left by an interrupted write): no snapshot uses it, and prune removes it',
        })
      }
    }
  }
  let bytesRead = 0
  for (const packId of packIds) {
    const rec = core.index.packs.get(packId)!
    const users = snapshotsNeeding(rec, input.needed)
    const snapshot = users[0]
    const info = stored ? stored.get(packId) : await core.backend.stat({ type: 'pack', name: packId })
    const neededBy = users.length ? `; needed by snapshot ${users.join(', ')}` : ''
    if (!info) {
      problems.push({ object: packId, kind: 'missing', snapshot, message: `pack ${packId} is missing${neededBy}` })
      for (const b of rec.blobs) {
        const s = input.needed.get(b.id)
        if (s && core.index.get(b.id)?.packId === packId) {
          problems.push({
            object: b.id,
            kind: 'missing',
            snapshot: s,
            message: `blob ${b.id} needed by snapshot ${s} is in missing pack ${packId}`,
          })
        }
      }
      continue
    }
    if (info.size !== rec.size) {
      problems.push({
        object: packId,
        kind: 'damaged',
        snapshot,
        message: `pack ${packId} has ${info.size} bytes where the index says ${rec.size}${neededBy}`,
      })
    }
    if (!input.readData) continue
    let bytes: Uint8Array
    try {
      bytes = await core.backend.load({ type: 'pack', name: packId })
    } catch (err) {
      problems.push({ object: packId, kind: 'damaged', snapshot, message: `pack ${packId} cannot be read: ${messageOf(err)}` })
      continue
    }
    bytesRead += bytes.length
    problems.push(...checkPackBytes(core, rec, bytes, input.needed, snapshot, neededBy))
  }
  return { problems, checked: packIds.size, bytesRead }
}

function checkPackBytes(
  core: RepoCore,
  rec: PackRecord,
  bytes: Uint8Array,
  needed: Map<string, string>,
  snapshot: string | undefined,
  neededBy: string,
): VerifyProblem[] {
  const problems: VerifyProblem[] = []
  if (sha256Hex(bytes) !== rec.id) {
    problems.push({ object: rec.id, kind: 'damaged', snapshot, message: `pack ${rec.id} does not hash to its id${neededBy}` })
  }
  try {
    const header = decodeHeader(bytes, core.dataKey)
    const key = (e: { id: string; type: string; offset: number; length: number; rawLength: number }): string =>
      `${e.id}/${e.type}/${e.offset}/${e.length}/${e.rawLength}`
    const inHeader = new Set(header.map(key))
    if (header.length !== rec.blobs.length || !rec.blobs.every((b) => inHeader.has(key(b)))) {
      problems.push({ object: rec.id, kind: 'damaged', snapshot, message: `pack ${rec.id} header disagrees with the index${neededBy}` })
    }
  } catch (err) {
    problems.push({ object: rec.id, kind: 'damaged', snapshot, message: `pack ${rec.id}: ${messageOf(err)}${neededBy}` })
  }
  for (const b of rec.blobs) {
    try {
      openBlob(core.dataKey, { ...b, packId: rec.id }, bytes.subarray(b.offset, b.offset + b.length))
    } catch (err) {
      if (!(err instanceof IntegrityError)) throw err
      const s = needed.get(b.id)
      problems.push({
        object: b.id,
        kind: 'damaged',
        ...(s ? { snapshot: s } : {}),
        message: err.message + (s ? `; needed by snapshot ${s}` : ''),
      })
    }
  }
  return problems
}

function snapshotsNeeding(rec: PackRecord, needed: Map<string, string>): string[] {
  const out = new Set<string>()
  for (const b of rec.blobs) {
    const s = needed.get(b.id)
    if (s) out.add(s)
  }
  return [...out].sort()
}
