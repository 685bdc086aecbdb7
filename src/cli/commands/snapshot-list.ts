import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerSnapshotList(snapshot: Command): void {
  snapshot
    .command('list')
    .description('snapshots still kept, newest first')
    .argument('[app]', 'only this app')
    .action(lazyAction(async () => (await import('./snapshot-list-run.js')).snapshotListAction))

  snapshot
    .command('show')
    .description('one snapshot in full: components, versions, health at capture')
    .argument('<id>')
    .action(lazyAction(async () => (await import('./snapshot-list-run.js')).snapshotShowAction))
}
