import type { ResolvedApp } from '../../config/types.js'
import { UserError } from '../../core/errors.js'
import type { Platform } from '../../platform/platform.js'
import { resolveRecoveryTarget } from '../../snapshots/platform-snapshot.js'
import { explainPassedOver, findRollbackTarget } from '../../snapshots/rollback-target.js'
import type { Incident } from '../incident.js'

/**
 * The snapshot a runbook restores for one app: the app's member of the incident's recovery target (`--to`
 * at declaration), else the newest snapshot the one rule allows (snapshots/rollback-target.ts: never a safety
 * snapshot or a rejected release) taken before the incident was declared and holding every component asked
 * for. Unlike `lastgood rollback`, it need not differ from what runs now: restoring the same release again
 * puts back files that were tampered with (the differing copy is moved aside), restores data that was
 * corrupted in place, and re-runs a component's `restart`.
 */
export async function recoveryTarget(p: Platform, incident: Incident, app: ResolvedApp, components?: string[]): Promise<string> {
  if (incident.recoveryTarget) return (await resolveRecoveryTarget(p.state.db, incident.recoveryTarget, [app.name])).get(app.name)!
  const wanted = components ? app.components.filter((c) => components.includes(c.name)) : app.components
  const search = await findRollbackTarget(p.state.db, { app: app.name, components: wanted, takenBefore: incident.openedAt })
  if (!search.target) {
    throw new UserError(
      `no known-good snapshot of ${app.name} was taken before incident ${incident.id} was declared${explainPassedOver(search)}; ` +
        `mark one good (\`lastgood snapshot mark-good ID\`) or declare the incident with --to a snapshot or platform snapshot`,
    )
  }
  return search.target.id
}
