import { IntegrityError, messageOf, UserError } from '../../core/errors.js'
import { listAll } from '../backend.js'
import { manifestRefs } from '../reachability.js'
import type { RepoCore } from '../repo-core.js'
import { loadSnapshotFile } from '../snapshot-store.js'
import type { VerifyProblem, VerifyReport } from '../types.js'
import { checkPacks } from './check-packs.js'

/**
 * Walks snapshot → manifests → refs, then checks the packs that hold them: presence and size always; with
 * readData, every byte (pack hash, pack header, each blob authenticated and hashed). Damage becomes a problem
 * naming the object and the snapshot that needs it; only a failure to list the store is thrown.
 */
export async function verifyRepository(core: RepoCore, opts: { snapshotIds?: string[]; readData: boolean }): Promise<VerifyReport> {
  const problems: VerifyProblem[] = []
  const all = opts.snapshotIds === undefined
  for (const p of core.index.problems) problems.push({ object: `index/${p.file}`, kind: 'damaged', message: p.message })
  const ids = opts.snapshotIds ?? (await listAll(core.backend, 'snapshot')).map((f) => f.name).sort()

  /** blob id → the first snapshot that needs it, to name in problems */
  const needed = new Map<string, string>()
  const manifests = new Map<string, string>()
  let snapshots = 0
  for (const id of ids) {
    try {
      const s = await loadSnapshotFile(core.backend, core.dataKey, id)
      snapshots++
      for (const c of s.components) if (!manifests.has(c.manifest)) manifests.set(c.manifest, id)
    } catch (err) {
      const kind = err instanceof UserError ? 'missing' : 'damaged'
      problems.push({ object: id, kind, snapshot: id, message: messageOf(err) })
    }
  }

  let bytesRead = 0
  for (const [m, snapshot] of manifests) {
    needed.set(m, snapshot)
    const loc = core.index.get(m)
    if (!loc) {
      problems.push({ object: m, kind: 'missing', snapshot, message: `manifest ${m} of snapshot ${snapshot} is not in the index` })
      continue
    }
    try {
      bytesRead += loc.length
      for (const r of manifestRefs(await core.readBlob(m))) if (!needed.has(r)) needed.set(r, snapshot)
    } catch (err) {
      const message = err instanceof IntegrityError ? err.message : `manifest ${m} of snapshot ${snapshot} ${messageOf(err)}`
      problems.push({ object: m, kind: 'damaged', snapshot, message })
    }
  }

  for (const [b, snapshot] of needed) {
    if (!core.index.get(b)) {
      problems.push({ object: b, kind: 'missing', snapshot, message: `blob ${b} needed by snapshot ${snapshot} is not in the index` })
    }
  }

  const packs = await checkPacks(core, { needed, all, readData: opts.readData })
  problems.push(...packs.problems)
  return {
    ok: !problems.some((p) => p.kind !== 'unreferenced'),
    checked: { snapshots, blobs: needed.size, packs: packs.checked, bytesRead: bytesRead + packs.bytesRead },
    problems,
  }
}
