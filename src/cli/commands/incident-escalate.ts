import type { Command } from 'commander'
import { escalateIncident, refuseResolved } from '../../recovery/escalation.js'
import { requireIncident } from '../../recovery/incident-store.js'
import { incidentCommand } from '../../recovery/incident-command.js'
import { actorOf, globals, requireReason } from '../global-options.js'
import { printJson, println } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerIncidentEscalate(incident: Command): void {
  incident
    .command('escalate')
    .description(
      'take an incident to its next escalation level now (its channels are told, its actions quoted); later levels keep their times',
    )
    .argument('<id>', 'incident id (`lastgood incident list`)')
    .option('--reason <reason>', 'why (required; on the timeline and in the audit trail)')
    .action((id: string, opts: { reason?: string }, cmd: Command) =>
      runAction(async () => {
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
      }),
    )
}
