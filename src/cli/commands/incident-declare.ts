import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentDeclare(incident: Command): void {
  incident
    .command('declare')
    .description(
      'declare an incident (disaster recovery / emergency): level 1 at once, messages to its channels, then the runbook of its type; exit 1 when the runbook failed',
    )
    .argument(
      '<type>',
      'complete_system_failure, data_breach_suspected, security_incident, critical_application_failure, data_corruption, performance_degradation or general_emergency',
    )
    .option('--scope <apps...>', 'the apps it affects, or all (required)')
    .option('--reason <reason>', 'what is happening (required; in every message and on the timeline)')
    .option('--severity <severity>', "critical, high, medium or low (default: the type's)")
    .option('--to <snapshot>', "recover to this snapshot (one app) or platform snapshot ps-… instead of each app's last known good")
    .option(
      '--discovered <time>',
      'when the trouble was discovered, if before now (ISO time, or 3d for three days ago): a breach assessment counts its deadline from it',
    )
    .action(lazyAction(async () => (await import('./incident-declare-run.js')).incidentDeclareAction))
}
