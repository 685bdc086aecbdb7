import { stat, statfs } from 'node:fs/promises'
import type { ResolvedConfig } from '../config/types.js'
import { backendFactoryFor } from '../repository/backends/backend-registry.js'
import { stateEngineFor } from '../state/engine-registry.js'

/** Below this much free space a disk counts as full: a snapshot, a journal write or an audit event may not fit. */
export const FULL_BELOW_BYTES = 1024 * 1024

export interface FullDisk {
  /** The state directory or the repository it holds. */
  path: string
  freeBytes: number
}

/**
 * The disks holding the state directory and the repository that are full, each named once. Reads only, so
 * `status` can say why snapshots and rollbacks fail while showing everything else it read.
 */
export async function fullDisks(config: ResolvedConfig): Promise<FullDisk[]> {
  const paths = [
    ...(stateEngineFor(config).capabilities.localDisk ? [config.stateDir] : []),
    ...(backendFactoryFor(config.repository).capabilities.localDisk ? [config.repository.path] : []),
  ]
  const seen = new Set<number>()
  const out: FullDisk[] = []
  for (const path of paths) {
    try {
      const { dev } = await stat(path)
      if (seen.has(dev)) continue
      seen.add(dev)
      const fs = await statfs(path)
      const freeBytes = fs.bavail * fs.bsize
      if (freeBytes < FULL_BELOW_BYTES) out.push({ path, freeBytes })
    } catch {
      // A path that cannot be read is reported by whatever reads it; this only looks for space.
    }
  }
  return out
}
