import type { Command } from 'commander'
import { snapshotPruneOperation } from '../../operations/snapshots.js'
import type { PruneReport } from '../../repository/types.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { formatBytes, printJson, println, wrap } from '../output.js'

export async function snapshotPruneAction(apps: string[], opts: { dryRun: boolean; unconfigured: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, snapshotPruneOperation, { app: apps, dry_run: opts.dryRun, unconfigured: opts.unconfigured })
  if (g.json) printJson(result)
  else {
    const verb = opts.dryRun ? 'would remove' : 'removed'
    for (const s of result.removed) println(`${verb} ${s.id} (${s.app}, ${s.kind}, ${s.createdAt})`)
    println(`${verb} ${result.removed.length} snapshot(s), kept ${result.kept}`)
    println(renderRepository(result.repository, verb))
  }
  return exitCode
}

function renderRepository(r: PruneReport, verb: string): string {
  const leftovers = r.unindexedPacksRemoved + r.tempFilesRemoved
  return wrap(
    `repository: ${verb} ${r.blobsRemoved} object(s) nothing needs and ${r.packsRemoved} pack(s), ${r.dryRun ? 'would rewrite' : 'rewrote'} ${r.packsRewritten}` +
      `${leftovers ? `, ${verb} ${leftovers} leftover(s) of interrupted writes` : ''}; ` +
      `${r.dryRun ? 'would free' : 'freed'} ${formatBytes(r.bytesFreed)}; kept ${r.blobsKept} object(s) of ${r.snapshotsKept} snapshot(s)`,
  )
}
