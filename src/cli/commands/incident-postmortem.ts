import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentPostmortem(incident: Command): void {
  incident
    .command('postmortem')
    .description("draft the post-mortem from the incident's timeline: facts filled in, root cause and lessons left for people")
    .argument('<id>', 'incident id (`lastgood incident list` shows them)')
    .option('--output <file>', 'write the Markdown to this file (replaced whole, never half-written) instead of stdout')
    .action(lazyAction(async () => (await import('./incident-postmortem-run.js')).incidentPostmortemAction))
}
