import type { ResolvedConfig } from '../config/types.js'
import { timeId } from '../core/clock.js'
import type { StateDb } from '../state/open-state.js'
import { applyLevelIn, levelActionsText } from './escalation.js'
import type { Incident, IncidentType, Severity } from './incident.js'
import { insertIncident, listIncidents } from './incident-store.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'

/** A declaration that passed every check (declare-incident.ts): apps exist, in recovery-priority order. */
export interface Declaration {
  type: IncidentType
  severity: Severity
  scope: string[]
  reason: string
  actor: string
  target: string | null
  details: Record<string, unknown>
  /** The "Actions Planned" of the declaration message, beyond level 1's own actions. */
  planned?: string[]
}

/**
 * Creates the incident in the caller's write transaction: row, timeline `declared`, escalation level 1
 * (due at 0 min), and the incident_declared message to notifications.incidents and level 1's channels;
 * the first status update is scheduled. Nothing is sent here: the outbox delivers after the commit.
 */
export async function openIncidentIn(tx: StateDb, config: ResolvedConfig, d: Declaration, now: number): Promise<Incident> {
  const at = new Date(now).toISOString()
  let incident: Incident = {
    id: timeId('inc', new Date(now)),
    type: d.type,
    severity: d.severity,
    status: 'declared',
    scope: d.scope,
    reason: d.reason,
    openedAt: at,
    openedBy: d.actor,
    level: 0,
    levelAt: null,
    audience: [],
    summary: null,
    resolvedAt: null,
    resolvedBy: null,
    recoveryTarget: d.target,
    details: d.details,
    nextUpdateAt: config.notifications.statusUpdateMs > 0 ? new Date(now + config.notifications.statusUpdateMs).toISOString() : null,
  }
  await insertIncident(tx, incident)
  await recordTimeline(tx, incident.id, {
    kind: 'declared',
    actor: d.actor,
    at: now,
    message: `${d.type} (${d.severity}) declared for ${d.scope.join(', ')}: ${d.reason}`,
    data: { type: d.type, severity: d.severity, scope: d.scope, target: d.target, details: d.details },
  })
  incident =
    (await applyLevelIn(tx, config, incident, 1, {
      actor: d.actor,
      reason: 'declared (level 1 starts at the declaration)',
      now,
      announce: false,
    })) ?? incident
  const planned = [levelActionsText(config.escalation[0]), ...(d.planned ?? []).map((s) => `- ${s}`)].join('\n')
  return tellIncident(tx, config, incident, {
    kind: 'incident_declared',
    add: config.notifications.incidents,
    at: now,
    vars: { actions: planned, level_actions: levelActionsText(config.escalation[0]) },
  })
}

/** Open incidents whose scope shares an app with `apps`, oldest first. */
export async function openIncidentsCovering(db: StateDb, apps: string[]): Promise<Incident[]> {
  return (await listIncidents(db, { open: true })).filter((i) => i.scope.some((a) => apps.includes(a)))
}
