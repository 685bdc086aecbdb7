import type { Platform } from '../platform/platform.js'
import { unconfiguredSnapshots } from '../snapshots/unconfigured-snapshots.js'
import type { IntegrityCheck } from './integrity-check.js'

/** One warning per app the configuration no longer has but the snapshots still name, with both ways out. */
export async function unconfiguredSnapshotChecks(p: Platform): Promise<IntegrityCheck[]> {
  const checks: IntegrityCheck[] = []
  for (const [app, snaps] of await unconfiguredSnapshots(p.state.db, p.config)) {
    checks.push({
      area: 'snapshots',
      target: app,
      outcome: 'warning',
      message:
        `${snaps.length} snapshot(s) of app "${app}", which the configuration no longer has (the latest: ${snaps[0]!.id}): ` +
        `rename the app back to "${app}" to roll back to them, or remove them with \`lastgood snapshot prune --unconfigured\``,
    })
  }
  return checks
}
