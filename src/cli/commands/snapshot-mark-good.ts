import type { Command } from 'commander'
import { markGood } from '../../snapshots/mark-good.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerSnapshotMarkGood(snapshot: Command): void {
  snapshot
    .command('mark-good')
    .description('vouch for a snapshot: it becomes a target for automatic rollback')
    .argument('<id>')
    .option('--reason <reason>', 'why it is good, for the audit trail')
    .action((id: string, opts: { reason?: string }, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        const actor = actorOf(g)
        return withPlatform(g, async (p) => {
          const s = await markGood(p, id, { actor, reason: opts.reason ?? null })
          if (g.json) printJson({ snapshot: s })
          else println(`${s.id} is now known good (marked by ${actor})`)
          return 0
        })
      }),
    )
}
