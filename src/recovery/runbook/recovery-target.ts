import type { ResolvedApp } from '../../config/types.js'
import { UserError } from '../../core/errors.js'
import type { Platform } from '../../platform/platform.js'
import { resolveRecoveryTarget } from '../../snapshots/platform-snapshot.js'
import { listSnapshots } from '../../snapshots/snapshot-record.js'
import type { Incident } from '../incident.js'

/**
 * The snapshot a runbook restores for one app: the app's member of the incident's recovery target (`--to`
 * at declaration), else the newest known-good snapshot of the app taken before the incident was declared
 * and holding every component asked for. Unlike `lastgood rollback`, it need not differ from what runs now:
 * restoring the same release again puts back files that were tampered with (the differing copy is moved
 * aside), restores data that was corrupted in place, and re-runs a component's `restart`.
 */
export async function recoveryTarget(p: Platform, incident: Incident, app: ResolvedApp, components?: string[]): Promise<string> {
  if (incident.recoveryTarget) return (await resolveRecoveryTarget(p.state.db, incident.recoveryTarget, [app.name])).get(app.name)!
  const wanted = components ?? app.components.map((c) => c.name)
  const snap = (await listSnapshots(p.state.db, app.name)).find(
    (s) => s.knownGood && s.createdAt < incident.openedAt && wanted.every((c) => s.components.some((sc) => sc.name === c)),
  )
  if (!snap) {
    throw new UserError(
      `no known-good snapshot of ${app.name} was taken before incident ${incident.id} was declared; ` +
        `mark one good (\`lastgood snapshot mark-good ID\`) or declare the incident with --to a snapshot or platform snapshot`,
    )
  }
  return snap.id
}
