import { UserError } from '../core/errors.js'
import { type Platform, selectApps } from '../platform/platform.js'
import { resolveRecoveryTarget } from '../snapshots/platform-snapshot.js'
import { escalateIncident } from './escalation.js'
import {
  DEFAULT_SEVERITY,
  type Incident,
  INCIDENT_TYPES,
  type IncidentType,
  isIncidentType,
  SEVERITIES,
  type Severity,
} from './incident.js'
import { requireIncident } from './incident-store.js'
import { type Declaration, openIncidentIn, openIncidentsCovering } from './open-incident.js'
import { runbookFor, type RunbookResult, runRunbook } from './runbook/run-runbook.js'
import { stepName } from './runbook/step-context.js'
import { recordTimeline } from './timeline.js'
import { noteIfUnheard } from './unheard-incident.js'

export interface DeclareRequest {
  type: IncidentType
  /** App names, or ['all']. */
  scope: string[]
  reason: string
  actor: string
  severity?: Severity
  /** A snapshot (one app) or a platform snapshot (ps-…) the runbook restores instead of the last known good. */
  target?: string
  details?: Record<string, unknown>
  /**
   * When the trouble was discovered (ISO), if before the declaration: a breach assessment's legal clock runs
   * from it. Only for a type whose runbook starts one (breach_assessment step).
   */
  discoveredAt?: string
  /** The monitor: an open incident covering one of the apps gets a timeline entry instead of a second incident. */
  dedupe?: boolean
  /** Default true. */
  runRunbook?: boolean
}

/**
 * Declares an incident: every input is checked before anything is written (a bad type, app, severity or
 * target changes nothing); then, in one transaction, the incident, its `declared` entry, level 1 and the
 * incident_declared message (open-incident.ts); then, unless asked not to, the type's runbook runs, and a
 * runbook step that stops escalates the incident one level. Delivery of messages is not awaited here.
 */
export async function declareIncident(
  p: Platform,
  req: DeclareRequest,
  opts: { signal?: AbortSignal; now?: number } = {},
): Promise<{ incident: Incident; existing: boolean; runbook?: RunbookResult; unheard?: string }> {
  const d = await checkDeclaration(p, req)
  const runs = req.runRunbook !== false
  if (runs) d.planned = [`Runbook: ${runbookFor(p.config, d.type).map(stepName).join(', ') || '(no steps)'}`]
  const now = opts.now ?? Date.now()
  const { incident, existing, unheard } = await p.state.writeTransaction(async (tx) => {
    const open = req.dedupe ? (await openIncidentsCovering(tx, d.scope))[0] : undefined
    if (!open) {
      const opened = await openIncidentIn(tx, p.config, d, now)
      return { incident: opened, existing: false, unheard: await noteIfUnheard(tx, p.config, opened, d.actor, now) }
    }
    await recordTimeline(tx, open.id, {
      kind: 'note',
      actor: d.actor,
      at: now,
      message: `${d.type} reported again for ${d.scope.join(', ')}: ${d.reason}`,
      data: { redeclared: true, type: d.type, scope: d.scope, details: d.details },
    })
    return { incident: open, existing: true, unheard: undefined }
  })
  if (existing || !runs) return { incident, existing, ...(unheard ? { unheard } : {}) }
  const escalate = async (reason: string) => void (await escalateIncident(p, incident.id, { actor: d.actor, reason, atTop: 'note' }))
  const runbook = await runRunbook(p, incident, { actor: d.actor, escalate, ...(opts.signal ? { signal: opts.signal } : {}) })
  return { incident: await requireIncident(p.state.db, incident.id), existing, runbook, ...(unheard ? { unheard } : {}) }
}

/** Everything a declaration can get wrong, named, before any write. */
async function checkDeclaration(p: Platform, req: DeclareRequest): Promise<Declaration> {
  const type: string = req.type // typed, yet it comes from a command line or a request
  if (!isIncidentType(type)) throw new UserError(`unknown incident type "${type}"; the types are ${INCIDENT_TYPES.join(', ')}`)
  if (req.scope.length === 0) throw new UserError('an incident needs a scope: --scope APP… (the apps it affects) or --scope all')
  if (req.scope.includes('all') && req.scope.length > 1) throw new UserError(`--scope all stands alone; got ${req.scope.join(' ')}`)
  const scope = selectApps(p.config, req.scope).map((a) => a.name)
  const reason = req.reason.trim()
  if (!reason) throw new UserError('declaring an incident needs --reason "what is happening": it is on the timeline and in every message')
  if (req.severity !== undefined && !(SEVERITIES as readonly string[]).includes(req.severity)) {
    throw new UserError(
      `unknown severity "${req.severity}"; use one of ${SEVERITIES.join(', ')} (default for ${req.type}: ${DEFAULT_SEVERITY[req.type]})`,
    )
  }
  if (req.target !== undefined) await resolveRecoveryTarget(p.state.db, req.target, scope)
  if (req.discoveredAt !== undefined) checkDiscovery(p, req.type, req.discoveredAt)
  return {
    type: req.type,
    severity: req.severity ?? DEFAULT_SEVERITY[req.type],
    scope,
    reason,
    actor: req.actor,
    target: req.target ?? null,
    details: { ...req.details, ...(req.discoveredAt !== undefined ? { discoveredAt: req.discoveredAt } : {}) },
  }
}

/** A discovery time counts only where a breach-assessment clock starts from it, and cannot be in the future. */
function checkDiscovery(p: Platform, type: IncidentType, at: string): void {
  if (!runbookFor(p.config, type).some((s) => s.kind === 'breach_assessment'))
    throw new UserError(
      `--discovered is for a runbook with a breach_assessment step (its deadline counts from discovery); the ${type} runbook has none`,
    )
  if (Date.parse(at) > Date.now()) throw new UserError(`--discovered ${at} is in the future; give the time the trouble was discovered`)
}
