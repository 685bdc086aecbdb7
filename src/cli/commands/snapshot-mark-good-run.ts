import type { Command } from 'commander'
import { markGood } from '../../snapshots/mark-good.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function snapshotMarkGoodAction(id: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  return withPlatform(g, async (p) => {
    const { snapshot: s, cleared } = await markGood(p, id, { actor, reason: opts.reason ?? null, clearRejections: true })
    if (g.json) printJson({ snapshot: s, clearedRejections: cleared })
    else {
      const unrejected = cleared.map((r) => `${r.component}=${r.version} (rejected by rollback ${r.run})`).join(', ')
      println(`${s.id} is now known good (marked by ${actor})${unrejected ? `; no longer rejected: ${unrejected}` : ''}`)
    }
    return 0
  })
}
