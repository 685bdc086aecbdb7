import type { Command } from 'commander'
import { formatDuration } from '../../config-parts/units.js'
import type { Incident } from '../../recovery/incident.js'
import { listIncidents } from '../../recovery/incident-store.js'
import { globals } from '../global-options.js'
import { printJson, println, table } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function incidentListAction(opts: { all: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  return withPlatform(g, async (p) => {
    const now = Date.now()
    const incidents = await listIncidents(p.state.db, { open: !opts.all })
    if (g.json) printJson({ incidents: incidents.map((i) => ({ ...i, ageMs: ageMs(i, now) })) })
    else if (incidents.length === 0) println(opts.all ? 'no incidents' : 'no open incidents (--all shows resolved ones)')
    else println(render(incidents, now))
    return 0
  })
}

/** How long it has been open, or was open until it was resolved. */
function ageMs(i: Incident, now: number): number {
  return Math.max(0, (i.resolvedAt ? Date.parse(i.resolvedAt) : now) - Date.parse(i.openedAt))
}

function render(incidents: Incident[], now: number): string {
  return table(
    ['ID', 'TYPE', 'SEVERITY', 'STATUS', 'LEVEL', 'OPENED', 'AGE', 'SCOPE'],
    incidents.map((i) => [
      i.id,
      i.type,
      i.severity,
      i.status,
      String(i.level),
      i.openedAt.replace('T', ' ').slice(0, 19),
      formatDuration(Math.round(ageMs(i, now) / 1000) * 1000),
      i.scope.join(','),
    ]),
  )
}
