import type { Command } from 'commander'
import { snapshotMarkGoodOperation } from '../../operations/snapshots.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function snapshotMarkGoodAction(id: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, snapshotMarkGoodOperation, { id, reason: opts.reason })
  if (g.json) printJson(result)
  else {
    const s = result.snapshot
    const unrejected = result.clearedRejections.map((r) => `${r.component}=${r.version} (rejected by rollback ${r.run})`).join(', ')
    println(`${s.id} is now known good (marked by ${s.markedGoodBy})${unrejected ? `; no longer rejected: ${unrejected}` : ''}`)
  }
  return exitCode
}
