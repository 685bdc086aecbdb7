import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerSnapshotVerify(snapshot: Command): void {
  snapshot
    .command('verify')
    .description('prove every object the snapshots need exists; with --read-data, that it decrypts and hashes right')
    .argument('[ids...]', 'snapshots to verify (default: all)')
    .option('--read-data', 'read, authenticate and hash every byte', false)
    .action(lazyAction(async () => (await import('./snapshot-verify-run.js')).snapshotVerifyAction))
}
