import type { Command } from 'commander'
import { registerSnapshotCreate } from './snapshot-create.js'
import { registerSnapshotList } from './snapshot-list.js'
import { registerSnapshotMarkGood } from './snapshot-mark-good.js'
import { registerSnapshotPrune } from './snapshot-prune.js'
import { registerSnapshotVerify } from './snapshot-verify.js'

export function registerSnapshot(program: Command): void {
  const snapshot = program.command('snapshot').description('capture, list, verify and prune snapshots')
  registerSnapshotCreate(snapshot)
  registerSnapshotList(snapshot)
  registerSnapshotVerify(snapshot)
  registerSnapshotPrune(snapshot)
  registerSnapshotMarkGood(snapshot)
}
