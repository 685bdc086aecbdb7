import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentList(incident: Command): void {
  incident
    .command('list')
    .description('open incidents (--all: resolved ones too), oldest first')
    .option('--all', 'include resolved incidents', false)
    .action(lazyAction(async () => (await import('./incident-list-run.js')).incidentListAction))
}
