import type { Command } from 'commander'
import { requireSnapshot } from '../../snapshots/snapshot-record.js'
import { globals } from '../global-options.js'
import { formatBytes, printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function snapshotVerifyAction(ids: string[], opts: { readData: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  return withPlatform(g, async (p) => {
    for (const id of ids) await requireSnapshot(p.state.db, id, { allowPruned: true })
    const started = performance.now()
    const report = await p.repository.verify({ readData: opts.readData, ...(ids.length ? { snapshotIds: ids } : {}) })
    const ms = Math.round(performance.now() - started)
    // Leftovers of an interrupted write are not damage: no snapshot uses them, and prune removes them.
    const damage = report.problems.filter((x) => x.kind !== 'unreferenced')
    const unreferenced = report.problems.filter((x) => x.kind === 'unreferenced').map(({ object, message }) => ({ object, message }))
    if (g.json) printJson({ ...report, problems: damage, unreferenced, durationMs: ms, readData: opts.readData })
    else {
      const c = report.checked
      println(
        `checked ${c.snapshots} snapshots, ${c.blobs} objects in ${c.packs} packs${opts.readData ? `, read ${formatBytes(c.bytesRead)}` : ''} in ${ms} ms`,
      )
      for (const problem of damage)
        println(`DAMAGED ${problem.kind} ${problem.object}${problem.snapshot ? ` (snapshot ${problem.snapshot})` : ''}: ${problem.message}`)
      for (const u of unreferenced) println(`unreferenced pack ${u.object}: ${u.message}`)
      const leftovers = unreferenced.length ? `; ${unreferenced.length} unreferenced pack(s), removed by \`lastgood snapshot prune\`` : ''
      println(report.ok ? `no damage found${leftovers}` : `${damage.length} problem(s) found${leftovers}`)
    }
    return report.ok ? 0 : 1
  })
}
