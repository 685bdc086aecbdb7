import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentResolve(incident: Command): void {
  incident
    .command('resolve')
    .description('close an incident with a summary; everyone told so far hears it (PagerDuty resolves its alert)')
    .argument('<id>', 'incident id')
    .option('--summary <text>', 'what happened and what fixed it (required; it opens the post-mortem)')
    .action(lazyAction(async () => (await import('./incident-resolve-run.js')).incidentResolveAction))
}
