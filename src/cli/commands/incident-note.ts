import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentNote(incident: Command): void {
  incident
    .command('note')
    .description("add a note to an incident's timeline (what you saw, what you did)")
    .argument('<id>', 'incident id')
    .argument('<text...>', 'the note')
    .action(lazyAction(async () => (await import('./incident-note-run.js')).incidentNoteAction))
}
