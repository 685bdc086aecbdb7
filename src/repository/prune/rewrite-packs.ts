import { messageOf, OperationFailedError } from '../../core/errors.js'
import { sha256Hex } from '../crypto/seal.js'
import type { PackRecord } from '../index/index-file.js'
import { openBlob } from '../pack/blob-codec.js'
import { PackBuilder } from '../pack/pack-builder.js'
import type { PackEntry } from '../pack/pack-header.js'
import type { RepoCore } from '../repo-core.js'

/**
 * Copies the live blobs of mixed packs into new packs, sealed bytes as they are (their AAD does not depend on
 * the pack). Each copied blob is authenticated and hashed first, and each source pack must hash to its id:
 * prune never launders damage into a fresh pack. Returns the new packs, all durable; deletes nothing.
 */
export async function rewritePacks(core: RepoCore, work: { pack: PackRecord; live: PackEntry[] }[]): Promise<PackRecord[]> {
  const written: PackRecord[] = []
  let builder = new PackBuilder()
  const write = async (): Promise<void> => {
    if (builder.count === 0) return
    const pack = builder.finish(core.dataKey)
    await core.backend.save({ type: 'pack', name: pack.id }, pack.bytes)
    written.push({ id: pack.id, size: pack.bytes.length, blobs: pack.entries })
    builder = new PackBuilder()
  }
  for (const { pack, live } of work) {
    const bytes = Buffer.from(await core.backend.load({ type: 'pack', name: pack.id }))
    if (bytes.length !== pack.size || sha256Hex(bytes) !== pack.id) {
      throw new OperationFailedError(
        `prune refused, nothing was deleted: pack ${pack.id} is damaged; run lastgood snapshot verify --read-data`,
      )
    }
    for (const e of live) {
      const sealed = bytes.subarray(e.offset, e.offset + e.length)
      try {
        openBlob(core.dataKey, { ...e, packId: pack.id }, sealed)
      } catch (err) {
        throw new OperationFailedError(`prune refused, nothing was deleted: ${messageOf(err)}`)
      }
      builder.add(e.id, e.type, Buffer.from(sealed), e.rawLength)
      if (builder.bytes >= core.packSize) await write()
    }
  }
  await write()
  return written
}
