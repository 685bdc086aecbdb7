import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentShow(incident: Command): void {
  incident
    .command('show')
    .description('one incident: its details, its whole timeline to the millisecond, and what recovery achieved against the RTO')
    .argument('<id>', 'incident id (`lastgood incident list` shows them)')
    .action(lazyAction(async () => (await import('./incident-show-run.js')).incidentShowAction))
}
