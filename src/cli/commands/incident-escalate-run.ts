import type { Command } from 'commander'
import { escalateIncident, refuseResolved } from '../../recovery/escalation.js'
import { requireIncident } from '../../recovery/incident-store.js'
import { incidentCommand } from '../../recovery/incident-command.js'
import { actorOf, globals, requireReason } from '../global-options.js'
import { printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function incidentEscalateAction(id: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  const reason = requireReason(opts.reason, 'incident escalate')
  return withPlatform(g, async (p) => {
    const { result, pending } = await incidentCommand(p, actor, () => escalateIncident(p, id, { actor, reason }), {
      precheck: async () => refuseResolved(await requireIncident(p.state.db, id)),
    })
    if (g.json) printJson({ incident: result, notificationsPending: pending })
    else
      println(
        `incident ${id} is at escalation level ${result.level}; told: ${result.audience.join(', ') || 'no channel configured'}${pending > 0 ? ` (${pending} message(s) still queued; \`lastgood monitor\` delivers them)` : ''}`,
      )
    return 0
  })
}
