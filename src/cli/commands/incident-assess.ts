import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentAssess(incident: Command): void {
  incident
    .command('assess')
    .description("record the outcome of an incident's breach assessment (HIPAA 164.404); its deadline reminders stop")
    .argument('<id>', 'incident id')
    .option('--outcome <outcome>', 'notified (the individuals affected were told) or not-a-breach (low probability of compromise)')
    .option('--reason <reason>', "the risk assessment's conclusion, or how and when the individuals were notified (required)")
    .action(lazyAction(async () => (await import('./incident-assess-run.js')).incidentAssessAction))
}
