import { messageOf, OperationFailedError } from '../../core/errors.js'
import { listAll, type FileInfo } from '../backend.js'
import type { PackRecord } from '../index/index-file.js'
import type { PackEntry } from '../pack/pack-header.js'
import { manifestRefs } from '../reachability.js'
import type { RepoCore } from '../repo-core.js'
import { loadSnapshotFile } from '../snapshot-store.js'

export interface PrunePlan {
  snapshots: number
  reachable: Set<string>
  keep: PackRecord[]
  rewrite: { pack: PackRecord; live: PackEntry[] }[]
  remove: PackRecord[]
  /** Packs in storage that no index knows of. */
  unindexed: FileInfo[]
  blobsRemoved: number
}

/**
 * Decides what prune would delete without changing anything. Refuses (throws, so nothing is deleted) whenever
 * it cannot prove what is needed: a damaged index, a failed or suspiciously empty snapshot listing, a snapshot
 * or manifest that cannot be read, a needed blob that is missing (RELIABILITY case 9).
 */
export async function planPrune(core: RepoCore): Promise<PrunePlan> {
  const { index, backend } = core
  const refuse = (why: string): never => {
    throw new OperationFailedError(`prune refused, nothing was deleted: ${why}`)
  }
  const first = index.problems[0]
  if (first) refuse(`${first.message}; run lastgood snapshot verify`)
  const names = await listAll(backend, 'snapshot').catch((err: Error) => refuse(`listing snapshots failed (${err.message})`))
  if (names.length === 0 && index.blobs.size > 0) {
    refuse(
      `the repository lists no snapshots but its index holds ${index.blobs.size} blobs in ${index.packs.size} packs. ` +
        'An empty listing may be a storage fault; if every snapshot really was removed, delete the repository instead',
    )
  }
  const reachable = new Set<string>()
  for (const { name } of names) {
    const s = await loadSnapshotFile(backend, core.dataKey, name).catch((err: Error) =>
      refuse(`snapshot ${name} cannot be read (${err.message})`),
    )
    for (const c of s.components) {
      if (reachable.has(c.manifest)) continue
      reachable.add(c.manifest)
      const bytes = await core
        .readBlob(c.manifest)
        .catch((err: Error) => refuse(`manifest ${c.manifest} of snapshot ${name} cannot be read (${err.message})`))
      let refs: string[] = []
      try {
        refs = manifestRefs(bytes)
      } catch (err) {
        refuse(`manifest ${c.manifest} of snapshot ${name} ${messageOf(err)}`)
      }
      for (const r of refs) {
        if (!index.get(r)) refuse(`blob ${r} needed by snapshot ${name} is missing; run lastgood snapshot verify`)
        reachable.add(r)
      }
    }
  }
  const stored = new Map(
    (await listAll(backend, 'pack').catch((err: Error) => refuse(`listing packs failed (${err.message})`))).map((f) => [f.name, f]),
  )
  const plan: PrunePlan = { snapshots: names.length, reachable, keep: [], rewrite: [], remove: [], unindexed: [], blobsRemoved: 0 }
  for (const pack of index.packs.values()) {
    // A blob stored twice (two writers, or an interrupted prune) is live only at its indexed location.
    const live = pack.blobs.filter((b) => reachable.has(b.id) && index.get(b.id)?.packId === pack.id)
    if (live.length > 0 && !stored.has(pack.id)) refuse(`pack ${pack.id} holding needed blobs is missing; run lastgood snapshot verify`)
    plan.blobsRemoved += pack.blobs.length - live.length
    if (live.length === pack.blobs.length) plan.keep.push(pack)
    else if (live.length === 0) plan.remove.push(pack)
    else plan.rewrite.push({ pack, live })
  }
  for (const f of stored.values()) if (!index.packs.has(f.name)) plan.unindexed.push(f)
  return plan
}
