import type { StateDb } from '../state/open-state.js'
import { canMove, type Incident, type IncidentStatus } from './incident.js'
import { updateIncident } from './incident-store.js'
import { recordTimeline } from './timeline.js'

/**
 * Moves an incident to `to` when that is a move forward (incident.ts: canMove), with a timeline entry;
 * otherwise changes nothing and returns false. Runs in the caller's write transaction.
 */
export async function moveStatus(tx: StateDb, incident: Incident, to: IncidentStatus, actor: string, why: string): Promise<boolean> {
  if (incident.status === to || !canMove(incident.status, to)) return false
  await updateIncident(tx, incident.id, { status: to })
  await recordTimeline(tx, incident.id, {
    kind: 'status',
    actor,
    message: `${incident.status} → ${to}: ${why}`,
    data: { from: incident.status, to },
  })
  incident.status = to
  return true
}
