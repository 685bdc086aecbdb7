import type { Command } from 'commander'
import { selectApps } from '../../platform/platform.js'
import type { PruneReport } from '../../repository/types.js'
import { pruneSnapshots } from '../../snapshots/prune-snapshots.js'
import { actorOf, globals } from '../global-options.js'
import { formatBytes, printJson, println, wrap } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function snapshotPruneAction(apps: string[], opts: { dryRun: boolean; unconfigured: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  return withPlatform(g, async (p) => {
    const result = await pruneSnapshots(p, selectApps(p.config, apps), {
      dryRun: opts.dryRun,
      actor,
      unconfigured: opts.unconfigured,
    })
    if (g.json) printJson(result)
    else {
      const verb = opts.dryRun ? 'would remove' : 'removed'
      for (const s of result.removed) println(`${verb} ${s.id} (${s.app}, ${s.kind}, ${s.createdAt})`)
      println(`${verb} ${result.removed.length} snapshot(s), kept ${result.kept}`)
      println(renderRepository(result.repository, verb))
    }
    return 0
  })
}

function renderRepository(r: PruneReport, verb: string): string {
  const leftovers = r.unindexedPacksRemoved + r.tempFilesRemoved
  return wrap(
    `repository: ${verb} ${r.blobsRemoved} object(s) nothing needs and ${r.packsRemoved} pack(s), ${r.dryRun ? 'would rewrite' : 'rewrote'} ${r.packsRewritten}` +
      `${leftovers ? `, ${verb} ${leftovers} leftover(s) of interrupted writes` : ''}; ` +
      `${r.dryRun ? 'would free' : 'freed'} ${formatBytes(r.bytesFreed)}; kept ${r.blobsKept} object(s) of ${r.snapshotsKept} snapshot(s)`,
  )
}
