import { formatDuration } from '../config-parts/units.js'
import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { endForIncidentIn } from './continuity.js'
import type { Incident } from './incident.js'
import { requireIncident, updateIncident } from './incident-store.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'

/**
 * Closes an incident: status resolved with its summary, who and when; everyone told so far hears it (PagerDuty
 * resolves its alert); the continuity plans it activated or escalated end. Resolving twice is a user error
 * and changes nothing.
 */
export async function resolveIncident(p: Platform, id: string, o: { actor: string; summary: string; now?: number }): Promise<Incident> {
  const now = o.now ?? Date.now()
  const at = new Date(now).toISOString()
  return p.state.writeTransaction(async (tx) => {
    const incident = await requireIncident(tx, id)
    if (incident.status === 'resolved') {
      throw new UserError(
        `incident ${id} was already resolved by ${incident.resolvedBy ?? 'someone'} at ${incident.resolvedAt}; declare a new incident if the trouble is back`,
      )
    }
    const resolved: Incident = {
      ...incident,
      status: 'resolved',
      summary: o.summary,
      resolvedAt: at,
      resolvedBy: o.actor,
      nextUpdateAt: null,
    }
    await updateIncident(tx, id, { status: 'resolved', summary: o.summary, resolvedAt: at, resolvedBy: o.actor, nextUpdateAt: null })
    const duration = formatDuration(Math.max(0, now - Date.parse(incident.openedAt)))
    await recordTimeline(tx, id, {
      kind: 'resolved',
      actor: o.actor,
      at: now,
      message: `resolved after ${duration}: ${o.summary}`,
      data: { from: incident.status, summary: o.summary, durationMs: now - Date.parse(incident.openedAt) },
    })
    await endForIncidentIn(tx, p.config, id, { actor: o.actor, now })
    return tellIncident(tx, p.config, resolved, { kind: 'incident_resolved', vars: { summary: o.summary, duration, actor: o.actor } })
  })
}
