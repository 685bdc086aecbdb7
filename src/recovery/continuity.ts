import type { ResolvedConfig, ResolvedContinuityPlan } from '../config/types.js'
import { timeId } from '../core/clock.js'
import { formatDuration } from '../config-parts/units.js'
import { appendAuditIn } from '../audit/audit-log.js'
import { enqueueNotifications } from '../notify/enqueue.js'
import type { StateDb } from '../state/open-state.js'
import type { ContinuityActivationTable } from '../state/schema.js'
import type { Incident } from './incident.js'
import { findIncident, listIncidents } from './incident-store.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'

/**
 * Business-continuity activations. A plan is active from the moment one of its apps is down (or an
 * escalation level activates it for an incident) until all its apps are up again (or that incident is
 * resolved). One active row per plan: an app going down while its plan is active joins the row. Everything
 * here runs in the caller's write transaction.
 */

export interface Activation {
  id: string
  plan: string
  reason: string
  downApps: string[]
  startedAt: string
  breachedAt: string | null
  endedAt: string | null
  incidentId: string | null
}

interface ActivateRequest {
  apps: string[]
  reason: string
  /** When the function went down (ms): downtime counts from here. */
  since: number
  /** When it is activated (ms): the timeline's time. */
  now: number
  actor: string
  /** The incident that activated it: its audience hears the fallback instruction too. */
  incident?: Incident
}

export async function activeActivations(db: StateDb): Promise<Activation[]> {
  return (
    await db.selectFrom('continuity_activations').selectAll().where('ended_at', 'is', null).orderBy('started_at', 'asc').execute()
  ).map(fromRow)
}

/** Activates the plan, or adds `apps` to its active row. Returns the row and whether it was new. */
export async function activatePlanIn(
  tx: StateDb,
  config: ResolvedConfig,
  plan: ResolvedContinuityPlan,
  r: ActivateRequest,
): Promise<{ activation: Activation; created: boolean }> {
  const active = (await activeActivations(tx)).find((a) => a.plan === plan.name)
  if (active) {
    const downApps = [...new Set([...active.downApps, ...r.apps])]
    const incidentId = active.incidentId ?? r.incident?.id ?? null
    await tx
      .updateTable('continuity_activations')
      .set({ down_apps: JSON.stringify(downApps), incident_id: incidentId })
      .where('id', '=', active.id)
      .execute()
    return { activation: { ...active, downApps, incidentId }, created: false }
  }
  const activation: Activation = {
    id: timeId('cont', new Date(r.since)),
    plan: plan.name,
    reason: r.reason,
    downApps: r.apps,
    startedAt: new Date(r.since).toISOString(),
    breachedAt: null,
    endedAt: null,
    incidentId: r.incident?.id ?? null,
  }
  await tx
    .insertInto('continuity_activations')
    .values({
      id: activation.id,
      plan: plan.name,
      reason: r.reason,
      down_apps: JSON.stringify(r.apps),
      started_at: activation.startedAt,
      breached_at: null,
      ended_at: null,
      incident_id: activation.incidentId,
    })
    .execute()
  // The plan's own audit event: an activation that no incident covers is a recovery action all the same.
  await appendAuditIn(tx, {
    actor: r.actor,
    action: 'continuity.activated',
    target: plan.name,
    reason: r.reason,
    outcome: 'success',
    details: {
      activation: activation.id,
      function: plan.function,
      fallback: plan.fallback,
      apps: r.apps,
      since: activation.startedAt,
      // How long the function was down before its people were told to switch: seed 000's "< 5 minutes".
      activatedAt: new Date(r.now).toISOString(),
      activationMs: r.now - r.since,
      incident: activation.incidentId,
    },
  })
  const vars = {
    function: plan.function,
    fallback: plan.fallback,
    max_downtime: formatDuration(plan.maxDowntimeMs),
    scope: r.apps.join(', '),
    reason: r.reason,
  }
  if (r.incident) await tellIncident(tx, config, r.incident, { kind: 'continuity_activated', add: plan.notify, vars })
  else if (plan.notify.length > 0)
    await enqueueNotifications(tx, config, { kind: 'continuity_activated', channels: plan.notify, severity: 'high', vars })
  for (const i of await incidentsFor(tx, plan, r.incident)) {
    await recordTimeline(tx, i.id, {
      kind: 'continuity.activated',
      actor: r.actor,
      at: r.now,
      message: `continuity plan ${plan.name} activated: ${plan.function} → ${plan.fallback} (max downtime ${formatDuration(plan.maxDowntimeMs)}); ${r.reason}`,
      data: { plan: plan.name, activation: activation.id, apps: r.apps, since: activation.startedAt },
    })
  }
  return { activation, created: true }
}

/** An escalation level with activate_continuity: every plan whose apps meet the incident's scope. */
export async function activatePlansForIncident(
  tx: StateDb,
  config: ResolvedConfig,
  incident: Incident,
  o: { actor: string; now: number },
): Promise<void> {
  for (const plan of config.continuity) {
    const apps = plan.apps.filter((a) => incident.scope.includes(a))
    if (apps.length === 0) continue
    await activatePlanIn(tx, config, plan, {
      apps,
      reason: `incident ${incident.id} reached level ${incident.level}`,
      since: o.now,
      now: o.now,
      actor: o.actor,
      incident,
    })
  }
}

/** The app is down (its failed rounds reached health.failures): every plan that needs it activates. */
export async function appDownIn(
  tx: StateDb,
  config: ResolvedConfig,
  app: string,
  o: { actor: string; since: number; now: number; why: string },
): Promise<Activation[]> {
  const out: Activation[] = []
  for (const plan of config.continuity.filter((x) => x.apps.includes(app))) {
    out.push(
      (
        await activatePlanIn(tx, config, plan, {
          apps: [app],
          reason: `${app} is down: ${o.why}`,
          since: o.since,
          now: o.now,
          actor: o.actor,
        })
      ).activation,
    )
  }
  return out
}

/** The app is up again: it leaves every active row; a row with no app left down ends. */
export async function appUpIn(tx: StateDb, config: ResolvedConfig, app: string, o: { actor: string; now: number }): Promise<Activation[]> {
  const ended: Activation[] = []
  for (const a of (await activeActivations(tx)).filter((x) => x.downApps.includes(app))) {
    const downApps = a.downApps.filter((x) => x !== app)
    if (downApps.length > 0) {
      await tx
        .updateTable('continuity_activations')
        .set({ down_apps: JSON.stringify(downApps) })
        .where('id', '=', a.id)
        .execute()
      continue
    }
    ended.push(await endIn(tx, config, a, `${app} is up again`, o))
  }
  return ended
}

/** Resolving an incident ends the plans it activated or escalated. */
export async function endForIncidentIn(
  tx: StateDb,
  config: ResolvedConfig,
  incidentId: string,
  o: { actor: string; now: number },
): Promise<void> {
  for (const a of (await activeActivations(tx)).filter((x) => x.incidentId === incidentId))
    await endIn(tx, config, a, `incident ${incidentId} resolved`, o)
}

async function endIn(
  tx: StateDb,
  config: ResolvedConfig,
  a: Activation,
  why: string,
  o: { actor: string; now: number },
): Promise<Activation> {
  const endedAt = new Date(o.now).toISOString()
  const moved = await tx
    .updateTable('continuity_activations')
    .set({ ended_at: endedAt, down_apps: '[]' })
    .where('id', '=', a.id)
    .where('ended_at', 'is', null)
    .executeTakeFirst()
  if (Number(moved.numUpdatedRows) !== 1) return a
  const plan = config.continuity.find((p) => p.name === a.plan)
  const downtime = formatDuration(Math.max(0, o.now - Date.parse(a.startedAt)))
  await appendAuditIn(tx, {
    actor: o.actor,
    action: 'continuity.ended',
    target: a.plan,
    reason: why,
    outcome: 'success',
    details: { activation: a.id, downtimeMs: o.now - Date.parse(a.startedAt), breached: a.breachedAt !== null, incident: a.incidentId },
  })
  const linked = a.incidentId ? [await findIncident(tx, a.incidentId)].filter((i): i is Incident => i !== undefined) : []
  const covering = plan ? await incidentsFor(tx, plan) : []
  for (const i of uniqueById([...linked, ...covering])) {
    await recordTimeline(tx, i.id, {
      kind: 'continuity.ended',
      actor: o.actor,
      at: o.now,
      message: `continuity plan ${a.plan} ended after ${downtime}: ${why}`,
      data: { plan: a.plan, activation: a.id, downtimeMs: o.now - Date.parse(a.startedAt) },
    })
  }
  return { ...a, endedAt, downApps: [] }
}

/** Open incidents covering the plan's apps, plus the one that activated it. */
export async function incidentsFor(db: StateDb, plan: ResolvedContinuityPlan, extra?: Incident): Promise<Incident[]> {
  const open = (await listIncidents(db, { open: true })).filter((i) => i.scope.some((a) => plan.apps.includes(a)))
  return uniqueById(extra ? [extra, ...open] : open)
}

function uniqueById(list: Incident[]): Incident[] {
  return [...new Map(list.map((i) => [i.id, i])).values()]
}

function fromRow(r: ContinuityActivationTable): Activation {
  return {
    id: r.id,
    plan: r.plan,
    reason: r.reason,
    downApps: JSON.parse(r.down_apps) as string[],
    startedAt: r.started_at,
    breachedAt: r.breached_at,
    endedAt: r.ended_at,
    incidentId: r.incident_id,
  }
}
