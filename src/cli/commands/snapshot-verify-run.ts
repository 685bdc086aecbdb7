import type { Command } from 'commander'
import { snapshotVerifyOperation } from '../../operations/inspect.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { formatBytes, printJson, println } from '../output.js'

export async function snapshotVerifyAction(ids: string[], opts: { readData: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result: r, exitCode } = await invoke(g, snapshotVerifyOperation, { id: ids, read_data: opts.readData })
  if (g.json) printJson(r)
  else {
    const c = r.checked
    println(
      `checked ${c.snapshots} snapshots, ${c.blobs} objects in ${c.packs} packs${r.readData ? `, read ${formatBytes(c.bytesRead)}` : ''} in ${r.durationMs} ms`,
    )
    for (const problem of r.problems)
      println(`DAMAGED ${problem.kind} ${problem.object}${problem.snapshot ? ` (snapshot ${problem.snapshot})` : ''}: ${problem.message}`)
    for (const u of r.unreferenced) println(`unreferenced pack ${u.object}: ${u.message}`)
    const leftovers = r.unreferenced.length ? `; ${r.unreferenced.length} unreferenced pack(s), removed by \`lastgood snapshot prune\`` : ''
    println(r.ok ? `no damage found${leftovers}` : `${r.problems.length} problem(s) found${leftovers}`)
  }
  return exitCode
}
