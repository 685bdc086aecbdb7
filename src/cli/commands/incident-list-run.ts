import type { Command } from 'commander'
import { formatDuration } from '../../config-parts/units.js'
import { incidentListOperation } from '../../operations/incidents.js'
import type { Incident } from '../../recovery/incident.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println, table } from '../output.js'

export async function incidentListAction(opts: { all: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentListOperation, { all: opts.all })
  if (g.json) printJson(result)
  else if (result.incidents.length === 0) println(opts.all ? 'no incidents' : 'no open incidents (--all shows resolved ones)')
  else println(render(result.incidents))
  return exitCode
}

function render(incidents: (Incident & { ageMs: number })[]): string {
  return table(
    ['ID', 'TYPE', 'SEVERITY', 'STATUS', 'LEVEL', 'OPENED', 'AGE', 'SCOPE'],
    incidents.map((i) => [
      i.id,
      i.type,
      i.severity,
      i.status,
      String(i.level),
      i.openedAt.replace('T', ' ').slice(0, 19),
      formatDuration(Math.round(i.ageMs / 1000) * 1000),
      i.scope.join(','),
    ]),
  )
}
