import { IntegrityError, messageOf, UserError } from '../core/errors.js'
import { AlreadyExistsError } from './backend.js'
import { manifestRefs } from './reachability.js'
import type { RepoCore } from './repo-core.js'
import { assertSnapshotId, checkShape, encodeSnapshot, loadSnapshotFile } from './snapshot-store.js'
import type { RepoSnapshot } from './types.js'

/** Rejects a malformed snapshot before anything is written. */
export function assertSnapshot(s: RepoSnapshot): void {
  assertSnapshotId(s.id)
  const shape = checkShape(s)
  if (shape) throw new UserError(`snapshot ${s.id} is malformed: ${shape}`)
}

/**
 * Writes `snapshots/<id>` after proving, against the durable index, that every manifest and every blob the
 * manifests list is stored: a snapshot never refers to data that is not there. The caller has flushed.
 * Created exclusively; saving an identical snapshot again is a no-op, a different one under the same id is
 * a UserError.
 */
export async function writeSnapshot(core: RepoCore, s: RepoSnapshot): Promise<void> {
  for (const c of s.components) {
    let refs: string[]
    try {
      refs = manifestRefs(await core.readBlob(c.manifest))
    } catch (err) {
      if (err instanceof IntegrityError) throw err
      throw new Error(`manifest ${c.manifest} of component ${c.name} ${messageOf(err)}`, { cause: err })
    }
    for (const ref of refs) {
      if (!core.index.blobs.has(ref)) {
        throw new IntegrityError(ref, `blob ${ref} needed by component ${c.name} of snapshot ${s.id} is not stored`)
      }
    }
  }
  try {
    await core.backend.save({ type: 'snapshot', name: s.id }, encodeSnapshot(s, core.dataKey), { exclusive: true })
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err
    const existing = await loadSnapshotFile(core.backend, core.dataKey, s.id)
    if (JSON.stringify(existing) !== JSON.stringify(s)) throw new UserError(`snapshot ${s.id} already exists with other content`)
  }
}
