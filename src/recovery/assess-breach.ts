import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { type BreachAssessment, type BreachOutcome, findBreachAssessment, timeLeft } from './breach-assessment.js'
import { requireIncident } from './incident-store.js'
import { recordTimeline } from './timeline.js'

/**
 * Records the outcome of an incident's breach assessment (the compliance officer's): notified (the
 * individuals were told) or not-a-breach (the risk assessment found a low probability of compromise), with
 * why. It stops the reminders; the incident itself is resolved apart. Recording it twice, or for an incident
 * without an assessment, is a user error and changes nothing.
 */
export async function assessBreach(
  p: Platform,
  id: string,
  o: { actor: string; outcome: BreachOutcome; reason: string; now?: number },
): Promise<BreachAssessment> {
  const now = o.now ?? Date.now()
  const at = new Date(now).toISOString()
  return p.state.writeTransaction(async (tx) => {
    await requireIncident(tx, id)
    const a = await findBreachAssessment(tx, id)
    if (!a)
      throw new UserError(
        `incident ${id} has no breach assessment: only a runbook with a breach_assessment step (data_breach_suspected's) starts one`,
      )
    if (a.outcome)
      throw new UserError(
        `the breach assessment of ${id} was already recorded as ${a.outcome} by ${a.assessedBy ?? '?'} at ${a.assessedAt ?? '?'}`,
      )
    await tx
      .updateTable('breach_assessments')
      .set({ outcome: o.outcome, assessed_at: at, assessed_by: o.actor, assessment: o.reason })
      .where('incident_id', '=', id)
      .execute()
    await recordTimeline(tx, id, {
      kind: 'breach.assessed',
      actor: o.actor,
      at: now,
      message: `breach assessment recorded: ${o.outcome} (${o.reason}); it was due ${a.dueAt}, ${timeLeft(a, now)}`,
      data: { outcome: o.outcome, dueAt: a.dueAt, discoveredAt: a.discoveredAt, onTime: at <= a.dueAt },
    })
    return { ...a, outcome: o.outcome, assessedAt: at, assessedBy: o.actor, assessment: o.reason }
  })
}
