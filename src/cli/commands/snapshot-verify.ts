import type { Command } from 'commander'
import { requireSnapshot } from '../../snapshots/snapshot-record.js'
import { globals } from '../global-options.js'
import { formatBytes, printJson, println } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerSnapshotVerify(snapshot: Command): void {
  snapshot
    .command('verify')
    .description('prove every object the snapshots need exists; with --read-data, that it decrypts and hashes right')
    .argument('[ids...]', 'snapshots to verify (default: all)')
    .option('--read-data', 'read, authenticate and hash every byte', false)
    .action((ids: string[], opts: { readData: boolean }, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        return withPlatform(g, async (p) => {
          for (const id of ids) await requireSnapshot(p.state.db, id, { allowPruned: true })
          const started = performance.now()
          const report = await p.repository.verify({ readData: opts.readData, ...(ids.length ? { snapshotIds: ids } : {}) })
          const ms = Math.round(performance.now() - started)
          if (g.json) printJson({ ...report, durationMs: ms, readData: opts.readData })
          else {
            const c = report.checked
            println(`checked ${c.snapshots} snapshots, ${c.blobs} objects in ${c.packs} packs${opts.readData ? `, read ${formatBytes(c.bytesRead)}` : ''} in ${ms} ms`)
            for (const problem of report.problems) println(`DAMAGED ${problem.kind} ${problem.object}${problem.snapshot ? ` (snapshot ${problem.snapshot})` : ''}: ${problem.message}`)
            println(report.ok ? 'no damage found' : `${report.problems.length} problem(s) found`)
          }
          return report.ok ? 0 : 1
        })
      }),
    )
}
