import type { Platform } from '../platform/platform.js'
import { breachVars, findBreachAssessment, listBreachAssessments, timeLeft } from './breach-assessment.js'
import { escalateIn } from './escalation.js'
import { requireIncident } from './incident-store.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'

/**
 * Reminds of every open breach assessment whose next reminder time has come: the message goes to the
 * assessment's channels (the compliance officer), and, from `escalate_within` before the deadline on, to
 * everyone told about the incident as well; the first time that window is reached an incident still open is
 * raised one level. How many reminders are handled, and when the escalation happened, are moved with
 * conditional updates in the transaction that queues the message: one reminder per threshold whatever
 * restarts or runs beside it, and after an outage one reminder for the latest threshold passed, not one per
 * missed threshold. The last reminder is the deadline itself. Returns how many reminders were queued.
 */
export async function sendDueBreachReminders(p: Platform, opts: { actor: string; now?: number }): Promise<number> {
  const now = opts.now ?? Date.now()
  const nowIso = new Date(now).toISOString()
  let sent = 0
  for (const open of await listBreachAssessments(p.state.db, { open: true })) {
    const passed = open.reminders.filter((t) => t <= nowIso).length
    const escalate = open.escalatedAt === null && open.escalateAt <= nowIso
    if (passed <= open.reminded && !escalate) continue
    const done = await p.state.writeTransaction(async (tx) => {
      let q = tx
        .updateTable('breach_assessments')
        .set({ reminded: Math.max(passed, open.reminded), ...(escalate ? { escalated_at: nowIso } : {}) })
        .where('incident_id', '=', open.incident)
        .where('reminded', '=', open.reminded)
        .where('outcome', 'is', null)
      if (escalate) q = q.where('escalated_at', 'is', null)
      const moved = await q.executeTakeFirst()
      if (Number(moved.numUpdatedRows) !== 1) return false
      const a = (await findBreachAssessment(tx, open.incident))!
      let incident = await requireIncident(tx, a.incident)
      const wide = a.escalatedAt !== null
      const left = timeLeft(a, now)
      await recordTimeline(tx, a.incident, {
        kind: 'breach.reminder',
        actor: opts.actor,
        at: now,
        message: `breach assessment due ${a.dueAt}: ${left}${escalate ? '; escalated to everyone told about the incident' : ''}`,
        data: { dueAt: a.dueAt, reminder: passed, of: a.reminders.length, escalated: escalate },
      })
      if (escalate && incident.status !== 'resolved') {
        incident = await escalateIn(tx, p.config, incident, {
          actor: opts.actor,
          reason: `breach assessment due ${a.dueAt} (${left}) has no outcome recorded`,
          now,
          atTop: 'note',
        })
      }
      const only = wide ? [...new Set([...incident.audience, ...a.channels])] : a.channels.length > 0 ? a.channels : incident.audience
      await tellIncident(tx, p.config, incident, { kind: 'breach_assessment_due', at: now, only, vars: breachVars(a, now) })
      return true
    })
    if (done) sent++
  }
  return sent
}
