import type { Command } from 'commander'
import { selectApps } from '../../platform/platform.js'
import { pruneSnapshots } from '../../snapshots/prune-snapshots.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerSnapshotPrune(snapshot: Command): void {
  snapshot
    .command('prune')
    .description('apply retention (last N per app, everything younger than the window, the newest known good) and free unused data')
    .argument('[apps...]', 'apps to prune (default: all)')
    .option('--dry-run', 'say what would be removed, remove nothing', false)
    .option('--unconfigured', 'also remove every snapshot of an app the configuration no longer has (renamed or removed)', false)
    .action((apps: string[], opts: { dryRun: boolean; unconfigured: boolean }, cmd: Command) =>
      runAction(async () => {
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
            println(`repository: ${JSON.stringify(result.repository)}`)
          }
          return 0
        })
      }),
    )
}
