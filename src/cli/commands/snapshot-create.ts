import { type Command, Option } from 'commander'
import { SNAPSHOT_KINDS } from '../../snapshots/snapshot-record.js'
import { lazyAction } from '../lazy-action.js'

export function registerSnapshotCreate(snapshot: Command): void {
  snapshot
    .command('create')
    .description('capture every component of each app (before a deploy, on a schedule, or by hand)')
    .argument('[apps...]', 'apps to capture, or "all" (one after the other, each its own snapshot)')
    .option(
      '--all',
      'one platform snapshot: every app captured at the same moment, under one id (ps-…) that `rollback --to` and `incident declare --to` restore',
      false,
    )
    .option('--label <label>', 'a label to find it by, e.g. a deploy id')
    .addOption(new Option('--kind <kind>', 'why it was taken').choices(SNAPSHOT_KINDS.filter((k) => k !== 'safety')).default('manual'))
    .option('--reason <reason>', 'why, for the audit trail')
    .action(lazyAction(async () => (await import('./snapshot-create-run.js')).snapshotCreateAction))
}
