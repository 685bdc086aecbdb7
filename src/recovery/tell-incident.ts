import type { TemplateName } from '../config-parts/incident-vocabulary.js'
import type { ResolvedConfig } from '../config/types.js'
import { formatDuration } from '../config-parts/units.js'
import { enqueueNotifications } from '../notify/enqueue.js'
import type { Message } from '../channels/message.js'
import type { StateDb } from '../state/open-state.js'
import type { Incident } from './incident.js'
import { updateIncident } from './incident-store.js'

export interface Tell {
  kind: TemplateName
  /** Template values beyond the incident's own (incident, type, severity, status, level, scope, reason…). */
  vars?: Record<string, string>
  /** Channels to add to the audience first (an escalation level's, a runbook notify step's). */
  add?: string[]
  /** When it is told (ms), for the time the incident has been open; default now. */
  at?: number
  /** Only these channels, not everyone told so far (a reminder meant for one party); they do not join the audience. */
  only?: string[]
}

/**
 * Queues a message about an incident for everyone told so far plus `add`, and remembers the new audience:
 * whoever heard about an incident hears every later update. Runs in the caller's write transaction; returns
 * the incident as it now is.
 */
export async function tellIncident(tx: StateDb, config: ResolvedConfig, incident: Incident, t: Tell): Promise<Incident> {
  const audience = [...new Set([...incident.audience, ...(t.add ?? [])])]
  if (audience.length !== incident.audience.length) await updateIncident(tx, incident.id, { audience })
  const now = { ...incident, audience }
  const channels = t.only ?? audience
  if (channels.length === 0) return now
  await enqueueNotifications(tx, config, {
    kind: t.kind,
    channels,
    severity: incident.severity,
    incident: { id: incident.id, type: incident.type, status: incident.status, level: incident.level, scope: incident.scope },
    vars: { ...incidentVars(incident, t.at), ...t.vars },
    lifecycle: lifecycleOf(now.status),
  })
  return now
}

/**
 * What a message does to the incident's PagerDuty alert, from the incident's status: it pages while the
 * incident is being handled (declared, mitigating: an escalation pages again), it acknowledges once the
 * incident is recovered and watched (monitoring: status updates and later levels inform without paging),
 * and it resolves the alert with the incident.
 */
export function lifecycleOf(status: Incident['status']): Message['lifecycle'] {
  return status === 'resolved' ? 'resolve' : status === 'monitoring' ? 'acknowledge' : 'trigger'
}

/** The template values every incident message carries. */
export function incidentVars(i: Incident, now = Date.now()): Record<string, string> {
  return {
    incident: i.id,
    type: i.type,
    severity: i.severity,
    status: i.status,
    level: String(i.level),
    scope: i.scope.join(', '),
    reason: i.reason,
    issue: i.reason,
    actor: i.openedBy,
    elapsed: formatDuration(Math.max(0, now - Date.parse(i.openedAt))),
  }
}
