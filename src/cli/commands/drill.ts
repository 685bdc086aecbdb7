import type { Command } from 'commander'
import { DRILL_NAMES } from '../../config-parts/drill-vocabulary.js'
import { lazyAction } from '../lazy-action.js'

export function registerDrill(program: Command): void {
  program
    .command('drill')
    .description(
      `test recovery for real: break a throwaway platform of sample apps, let the monitor detect and roll back (or, complete-system-failure, declare the incident and let its runbook recover every app), and measure it against the RTO (scenarios: ${DRILL_NAMES.join(', ')}; all when none is named)`,
    )
    .argument('[scenario]', 'which drill')
    .option('--interval <duration>', 'probe interval of the drill apps', '1s')
    .option('--failures <n>', 'consecutive failed probes that fire the health trigger', '3')
    .option('--verbose', "print the monitor's events as they happen", false)
    .action(lazyAction(async () => (await import('./drill-run.js')).drillAction))
}
