import type { Command } from 'commander'
import { registerIncidentAction } from './incident-action.js'
import { registerIncidentAssess } from './incident-assess.js'
import { registerIncidentDeclare } from './incident-declare.js'
import { registerIncidentEscalate } from './incident-escalate.js'
import { registerIncidentList } from './incident-list.js'
import { registerIncidentNote } from './incident-note.js'
import { registerIncidentPostmortem } from './incident-postmortem.js'
import { registerIncidentResolve } from './incident-resolve.js'
import { registerIncidentShow } from './incident-show.js'

export function registerIncident(program: Command): void {
  const incident = program
    .command('incident')
    .description(
      'disaster recovery: declare incidents, follow their escalation and timeline, resolve them, draft the post-mortem, track its action items',
    )
  registerIncidentDeclare(incident)
  registerIncidentList(incident)
  registerIncidentShow(incident)
  registerIncidentEscalate(incident)
  registerIncidentNote(incident)
  registerIncidentResolve(incident)
  registerIncidentAssess(incident)
  registerIncidentPostmortem(incident)
  registerIncidentAction(incident)
}
