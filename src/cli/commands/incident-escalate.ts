import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentEscalate(incident: Command): void {
  incident
    .command('escalate')
    .description(
      'take an incident to its next escalation level now (its channels are told, its actions quoted); later levels keep their times',
    )
    .argument('<id>', 'incident id (`lastgood incident list`)')
    .option('--reason <reason>', 'why (required; on the timeline and in the audit trail)')
    .action(lazyAction(async () => (await import('./incident-escalate-run.js')).incidentEscalateAction))
}
