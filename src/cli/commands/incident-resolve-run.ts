import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { incidentCommand } from '../../recovery/incident-command.js'
import { resolveIncident } from '../../recovery/resolve-incident.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function incidentResolveAction(id: string, opts: { summary?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  const summary = opts.summary?.trim()
  if (!summary) throw new UserError('incident resolve needs --summary "what happened and what fixed it"')
  return withPlatform(g, async (p) => {
    const { result, pending } = await incidentCommand(p, actor, () => resolveIncident(p, id, { actor, summary }))
    if (g.json) printJson({ incident: result, notificationsPending: pending })
    else println(`incident ${id} resolved; post-mortem draft: lastgood incident postmortem ${id}`)
    return 0
  })
}
