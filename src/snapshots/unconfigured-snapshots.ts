import type { ResolvedConfig } from '../config/types.js'
import type { StateDb } from '../state/open-state.js'
import { listSnapshots, type SnapshotRecord } from './snapshot-record.js'

/**
 * Snapshots of apps the configuration no longer has, by app name, newest first. An app renamed in the
 * configuration leaves its snapshots under the old name: no rollback targets them and no retention rule
 * applies to them, so `validate` lists them and `snapshot prune --unconfigured` removes them.
 */
export async function unconfiguredSnapshots(db: StateDb, config: ResolvedConfig): Promise<Map<string, SnapshotRecord[]>> {
  const configured = new Set(config.apps.map((a) => a.name))
  const byApp = new Map<string, SnapshotRecord[]>()
  for (const s of await listSnapshots(db)) {
    if (configured.has(s.app)) continue
    byApp.set(s.app, [...(byApp.get(s.app) ?? []), s])
  }
  return byApp
}
