import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerSnapshotMarkGood(snapshot: Command): void {
  snapshot
    .command('mark-good')
    .description(
      'vouch for a snapshot: it becomes a target for automatic rollback, and the release versions it holds are no longer rejected',
    )
    .argument('<id>')
    .option('--reason <reason>', 'why it is good, for the audit trail')
    .action(lazyAction(async () => (await import('./snapshot-mark-good-run.js')).snapshotMarkGoodAction))
}
