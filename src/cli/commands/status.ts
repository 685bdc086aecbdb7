import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'per app: what runs now, the last rollback, health; per component, the snapshot a rollback would restore; then pending rollbacks and open incidents',
    )
    .argument('[apps...]', 'apps to show (default: all)')
    .action(lazyAction(async () => (await import('./status-run.js')).statusAction))
}
