import { ENTRY_SIZE, TAIL_LENGTH_SIZE } from '../pack/pack-header.js'
import { SEAL_OVERHEAD } from '../crypto/seal.js'
import { encodeIndexFiles, type PackRecord } from '../index/index-file.js'
import { MasterIndex } from '../index/master-index.js'
import type { RepoCore } from '../repo-core.js'
import type { PruneReport } from '../types.js'
import { planPrune, type PrunePlan } from './plan-prune.js'
import { rewritePacks } from './rewrite-packs.js'

/**
 * Runs under the exclusive lock with a freshly loaded index. Order, so that a crash at any step loses
 * nothing a snapshot needs: new packs → new index files (describing every pack that stays) → old index files
 * removed → old packs removed → temp files removed. A crash before the old index files go leaves two
 * agreeing descriptions; after, only unreferenced packs, which the next prune removes.
 */
export async function pruneRepository(
  core: RepoCore,
  opts: { dryRun: boolean },
  swapIndex: (index: MasterIndex) => void,
): Promise<PruneReport> {
  const plan = await planPrune(core)
  const removedBytes = sum(plan.remove.map((p) => p.size)) + sum(plan.unindexed.map((f) => f.size))
  const base = {
    dryRun: opts.dryRun,
    snapshotsKept: plan.snapshots,
    blobsKept: plan.reachable.size,
    blobsRemoved: plan.blobsRemoved,
    packsRewritten: plan.rewrite.length,
    packsRemoved: plan.remove.length + plan.rewrite.length,
    unindexedPacksRemoved: plan.unindexed.length,
  }
  if (opts.dryRun) {
    return { ...base, bytesFreed: removedBytes + estimateRewriteSavings(plan), tempFilesRemoved: 0 }
  }
  let written: PackRecord[] = []
  if (plan.remove.length + plan.rewrite.length > 0) {
    written = await rewritePacks(core, plan.rewrite)
    const records = [...plan.keep, ...written]
    const files = encodeIndexFiles(records, core.dataKey)
    for (const f of files) await core.backend.save({ type: 'index', name: f.id }, f.bytes)
    const fresh = new Set(files.map((f) => f.id))
    const old = [...core.index.files].filter((f) => !fresh.has(f))
    swapIndex(MasterIndex.fromRecords(records, fresh))
    for (const name of old) await core.backend.remove({ type: 'index', name })
  }
  const gone = [...plan.remove.map((p) => p.id), ...plan.rewrite.map((r) => r.pack.id), ...plan.unindexed.map((f) => f.name)]
  for (const name of gone) await core.backend.remove({ type: 'pack', name })
  const temp = await core.backend.removeTempFiles()
  const bytesFreed = removedBytes + sum(plan.rewrite.map((r) => r.pack.size)) - sum(written.map((p) => p.size)) + temp.bytes
  return { ...base, bytesFreed, tempFilesRemoved: temp.files }
}

/** A rewritten pack keeps its live blobs and a smaller header; the real figure depends on how they regroup. */
function estimateRewriteSavings(plan: PrunePlan): number {
  let saved = 0
  for (const { pack, live } of plan.rewrite) {
    const kept = sum(live.map((e) => e.length)) + live.length * ENTRY_SIZE + SEAL_OVERHEAD + TAIL_LENGTH_SIZE
    saved += pack.size - kept
  }
  return saved
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0)
}
