import { z } from 'zod'
import { requireIncident, listIncidents } from '../recovery/incident-store.js'
import { buildRecoveryReport } from '../recovery/recovery-report.js'
import { loadTimeline } from '../recovery/timeline.js'
import { operation } from './operation.js'
import { flagInput } from './query-input.js'

export const incidentListOperation = operation({
  name: 'incident.list',
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
  method: 'GET',
  path: '/incidents/:id',
  permission: 'read',
  readOnly: false,
  input: z.object({ id: z.string().min(1).describe('Incident id.') }),
  async run(p, input) {
    const incident = await requireIncident(p.state.db, input.id)
    const timeline = await loadTimeline(p.state.db, input.id)
    const recovery = await buildRecoveryReport(p, incident, { timeline })
    return { result: { incident, timeline, recovery }, exitCode: 0 }
  },
})
