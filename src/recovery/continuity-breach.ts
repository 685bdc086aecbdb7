import { formatDuration } from '../config-parts/units.js'
import type { Platform } from '../platform/platform.js'
import { activeActivations, type Activation } from './continuity.js'
import { escalateIn } from './escalation.js'
import type { Incident } from './incident.js'
import { findIncident } from './incident-store.js'
import { openIncidentIn, openIncidentsCovering } from './open-incident.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'
import { noteIfUnheard } from './unheard-incident.js'

/**
 * A function down longer than its plan's max_downtime is a breach: the open incident covering its down apps
 * escalates one level, or, when there is none, a critical_application_failure incident is declared for
 * them (its runbook is left to a person: the monitor has already done what it could). The breach is marked
 * on the activation row in the same transaction as the escalation and the message, so it is handled once
 * whatever restarts or runs beside it. Returns the breaches handled by this call.
 */
export async function checkContinuityBreaches(
  p: Platform,
  opts: { actor: string; now?: number },
): Promise<Array<{ activation: Activation; incident: Incident; declared: boolean }>> {
  const now = opts.now ?? Date.now()
  const out: Array<{ activation: Activation; incident: Incident; declared: boolean }> = []
  for (const a of await activeActivations(p.state.db)) {
    const plan = p.config.continuity.find((x) => x.name === a.plan)
    // A plan removed from the configuration since it activated has no limit to breach.
    if (!plan || a.breachedAt !== null || Date.parse(a.startedAt) + plan.maxDowntimeMs > now) continue
    const handled = await p.state.writeTransaction(async (tx) => {
      const claimed = await tx
        .updateTable('continuity_activations')
        .set({ breached_at: new Date(now).toISOString() })
        .where('id', '=', a.id)
        .where('breached_at', 'is', null)
        .where('ended_at', 'is', null)
        .executeTakeFirst()
      if (Number(claimed.numUpdatedRows) !== 1) return undefined
      const downtime = formatDuration(now - Date.parse(a.startedAt))
      const why = `continuity plan ${plan.name} (${plan.function}) down ${downtime}, past its maximum of ${formatDuration(plan.maxDowntimeMs)}`
      const linked = a.incidentId ? await findIncident(tx, a.incidentId) : undefined
      let incident = linked && linked.status !== 'resolved' ? linked : (await openIncidentsCovering(tx, a.downApps))[0]
      const declared = !incident
      if (incident) {
        incident = await escalateIn(tx, p.config, incident, { actor: opts.actor, reason: why, now, atTop: 'note' })
      } else {
        const scope = p.config.apps.map((x) => x.name).filter((n) => a.downApps.includes(n))
        incident = await openIncidentIn(
          tx,
          p.config,
          {
            type: 'critical_application_failure',
            severity: 'high',
            scope,
            reason: why,
            actor: opts.actor,
            target: null,
            details: { continuity: { plan: plan.name, activation: a.id } },
          },
          now,
        )
      }
      await tx.updateTable('continuity_activations').set({ incident_id: incident.id }).where('id', '=', a.id).execute()
      await recordTimeline(tx, incident.id, {
        kind: 'continuity.breached',
        actor: opts.actor,
        at: now,
        outcome: 'failure',
        message: why,
        data: {
          plan: plan.name,
          activation: a.id,
          apps: a.downApps,
          downtimeMs: now - Date.parse(a.startedAt),
          maxDowntimeMs: plan.maxDowntimeMs,
          declared,
        },
      })
      incident = await tellIncident(tx, p.config, incident, {
        kind: 'continuity_breached',
        add: plan.notify,
        vars: {
          function: plan.function,
          fallback: plan.fallback,
          downtime,
          max_downtime: formatDuration(plan.maxDowntimeMs),
          level: String(incident.level),
        },
      })
      if (declared) await noteIfUnheard(tx, p.config, incident, opts.actor, now)
      return { activation: { ...a, breachedAt: new Date(now).toISOString(), incidentId: incident.id }, incident, declared }
    })
    if (handled) out.push(handled)
  }
  return out
}
