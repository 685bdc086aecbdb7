import { z } from 'zod'
import type { Platform } from '../platform/platform.js'
import { assessBreach } from '../recovery/assess-breach.js'
import { BREACH_OUTCOMES, findBreachAssessment } from '../recovery/breach-assessment.js'
import { declareIncident } from '../recovery/declare-incident.js'
import { escalateIncident, refuseResolved } from '../recovery/escalation.js'
import type { IncidentType, Severity } from '../recovery/incident.js'
import { incidentCommand } from '../recovery/incident-command.js'
import { listActionItems } from '../recovery/action-items.js'
import { listIncidents, requireIncident } from '../recovery/incident-store.js'
import { noteIncident } from '../recovery/note-incident.js'
import { buildPostMortem } from '../recovery/postmortem.js'
import { buildRecoveryReport } from '../recovery/recovery-report.js'
import { resolveIncident } from '../recovery/resolve-incident.js'
import { loadTimeline } from '../recovery/timeline.js'
import { flagInput, isoTime, listInput, reasonInput, requiredText } from './input-fields.js'
import { operation } from './operation.js'

const incidentId = z.string().min(1).describe('Incident id.')

/** An incident, its timeline, the recovery report built from that timeline, and its breach assessment if any. */
async function incidentRecord(p: Platform, id: string) {
  const incident = await requireIncident(p.state.db, id)
  const timeline = await loadTimeline(p.state.db, incident.id)
  const breachAssessment = (await findBreachAssessment(p.state.db, incident.id)) ?? null
  return { incident, timeline, recovery: await buildRecoveryReport(p, incident, { timeline }), breachAssessment }
}

export const incidentListOperation = operation({
  name: 'incident.list',
  summary: 'Open incidents (all: resolved ones too), oldest first',
  method: 'GET',
  path: '/incidents',
  permission: 'read',
  readOnly: false,
  input: z.object({ all: flagInput().describe('Resolved incidents too.') }),
  async run(p, input) {
    const now = Date.now()
    const incidents = await listIncidents(p.state.db, { open: !input.all })
    // How long each has been open, or was open until it was resolved.
    const ageMs = (openedAt: string, resolvedAt: string | null | undefined) =>
      Math.max(0, (resolvedAt ? Date.parse(resolvedAt) : now) - Date.parse(openedAt))
    return { result: { incidents: incidents.map((i) => ({ ...i, ageMs: ageMs(i.openedAt, i.resolvedAt) })) }, exitCode: 0 }
  },
})

export const incidentShowOperation = operation({
  name: 'incident.show',
  summary: 'One incident: its timeline and recovery report',
  method: 'GET',
  path: '/incidents/:id',
  permission: 'read',
  readOnly: false,
  input: z.object({ id: incidentId }),
  async run(p, input) {
    return { result: await incidentRecord(p, input.id), exitCode: 0 }
  },
})

/** The post-mortem drafted from the timeline (a draft while the incident is open), with the recovery report. */
export const incidentPostmortemOperation = operation({
  name: 'incident.postmortem',
  summary: 'The post-mortem drafted from the timeline, with the recovery report',
  method: 'GET',
  path: '/incidents/:id/postmortem',
  permission: 'read',
  readOnly: false,
  input: z.object({ id: incidentId }),
  async run(p, input) {
    const { incident, timeline, recovery, breachAssessment } = await incidentRecord(p, input.id)
    const tracked = await listActionItems(p.state.db, { incident: incident.id, all: true })
    return {
      result: { postmortem: buildPostMortem(incident, timeline, recovery, Date.now(), tracked, breachAssessment), recovery },
      exitCode: 0,
    }
  },
})

export const incidentNoteOperation = operation({
  name: 'incident.note',
  summary: 'Add a note to the timeline',
  method: 'POST',
  path: '/incidents/:id/notes',
  permission: 'incident',
  readOnly: false,
  input: z.object({ id: incidentId, text: requiredText('incident note needs some text: lastgood incident note ID "what happened"') }),
  async run(p, input, { actor }) {
    await incidentCommand(p, actor, () => noteIncident(p, input.id, { actor, text: input.text }))
    const entry = (await loadTimeline(p.state.db, input.id)).filter((e) => e.kind === 'note' && e.actor === actor).at(-1)
    return { result: { incident: input.id, entry }, exitCode: 0 }
  },
})

export const incidentEscalateOperation = operation({
  name: 'incident.escalate',
  summary: 'Raise the incident one escalation level',
  method: 'POST',
  path: '/incidents/:id/escalate',
  permission: 'incident',
  readOnly: false,
  input: z.object({ id: incidentId, reason: reasonInput('incident escalate') }),
  async run(p, input, { actor }) {
    const { result, pending } = await incidentCommand(p, actor, () => escalateIncident(p, input.id, { actor, reason: input.reason }), {
      precheck: async () => refuseResolved(await requireIncident(p.state.db, input.id)),
    })
    return { result: { incident: result, notificationsPending: pending }, exitCode: 0 }
  },
})

export const incidentResolveOperation = operation({
  name: 'incident.resolve',
  summary: 'Resolve the incident with a summary',
  method: 'POST',
  path: '/incidents/:id/resolve',
  permission: 'incident',
  readOnly: false,
  input: z.object({ id: incidentId, summary: requiredText('incident resolve needs --summary "what happened and what fixed it"') }),
  async run(p, input, { actor }) {
    const { result, pending } = await incidentCommand(p, actor, () => resolveIncident(p, input.id, { actor, summary: input.summary }))
    return { result: { incident: result, notificationsPending: pending }, exitCode: 0 }
  },
})

export const incidentAssessOperation = operation({
  name: 'incident.assess',
  summary: "Record the outcome of the incident's breach assessment; its reminders stop",
  method: 'POST',
  path: '/incidents/:id/assessment',
  permission: 'incident',
  readOnly: false,
  input: z.object({
    id: incidentId,
    outcome: z
      .enum(BREACH_OUTCOMES, { error: `incident assess needs --outcome ${BREACH_OUTCOMES.join(' or ')}` })
      .describe(
        'notified (the individuals affected were told) or not-a-breach (the risk assessment found a low probability of compromise).',
      ),
    reason: reasonInput('incident assess'),
  }),
  async run(p, input, { actor }) {
    const assessment = await assessBreach(p, input.id, { actor, outcome: input.outcome, reason: input.reason })
    return { result: { incident: input.id, breachAssessment: assessment }, exitCode: 0 }
  },
})

/**
 * Declares an incident and runs its type's runbook: exit 1 when the runbook did not succeed, 3 when it waits
 * for the approval the decision matrix wants before it rolls back (the request as `approval`: refused for
 * now). The type, scope and reason are checked by declareIncident, which names the vocabulary; a stop request
 * cancels the runbook's remaining steps.
 */
export const incidentDeclareOperation = operation({
  name: 'incident.declare',
  summary: 'Declare an incident and run its runbook',
  method: 'POST',
  path: '/incidents',
  permission: 'incident',
  readOnly: false,
  stoppable: true,
  long: true,
  input: z.object({
    type: z.string().describe('Incident type, such as security_incident or complete_system_failure.'),
    scope: listInput(z.string()).describe('The apps it affects, or all.'),
    reason: z.string().default('').describe('What is happening: in every message and on the timeline.'),
    severity: z.string().optional().describe("critical, high, medium or low (default: the type's)."),
    to: z.string().optional().describe("Recover to this snapshot or platform snapshot instead of each app's last known good."),
    discovered: isoTime('When the trouble was discovered, if before now: a breach assessment counts its deadline from it.'),
  }),
  async run(p, input, { actor, signal }) {
    const { result, pending } = await incidentCommand(p, actor, () =>
      declareIncident(
        p,
        {
          type: input.type as IncidentType,
          scope: input.scope,
          reason: input.reason,
          actor,
          ...(input.severity !== undefined ? { severity: input.severity as Severity } : {}),
          ...(input.to !== undefined ? { target: input.to } : {}),
          ...(input.discovered !== undefined ? { discoveredAt: input.discovered } : {}),
        },
        { signal },
      ),
    )
    const approval = result.runbook?.approval
    return {
      result: { ...result, ...(approval ? { approval } : {}), notificationsPending: pending },
      exitCode: result.runbook?.outcome === 'succeeded' ? 0 : approval ? 3 : 1,
    }
  },
})
