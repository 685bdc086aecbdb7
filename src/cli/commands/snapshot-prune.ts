import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerSnapshotPrune(snapshot: Command): void {
  snapshot
    .command('prune')
    .description('apply retention (last N per app, everything younger than the window, the newest known good) and free unused data')
    .argument('[apps...]', 'apps to prune (default: all)')
    .option('--dry-run', 'say what would be removed, remove nothing', false)
    .option('--unconfigured', 'also remove every snapshot of an app the configuration no longer has (renamed or removed)', false)
    .action(lazyAction(async () => (await import('./snapshot-prune-run.js')).snapshotPruneAction))
}
