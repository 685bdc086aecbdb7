import type { Command } from 'commander'
import { requireIncident } from '../../recovery/incident-store.js'
import { buildRecoveryReport } from '../../recovery/recovery-report.js'
import { loadTimeline } from '../../recovery/timeline.js'
import { globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { renderIncidentShow } from '../render-recovery.js'
import { withPlatform } from '../with-platform.js'

export async function incidentShowAction(id: string, _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  return withPlatform(g, async (p) => {
    const found = await requireIncident(p.state.db, id)
    const timeline = await loadTimeline(p.state.db, id)
    const recovery = await buildRecoveryReport(p, found, { timeline })
    if (g.json) printJson({ incident: found, timeline, recovery })
    else println(renderIncidentShow(found, timeline, recovery))
    return 0
  })
}
