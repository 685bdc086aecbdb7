import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { incidentCommand } from '../../recovery/incident-command.js'
import { noteIncident } from '../../recovery/note-incident.js'
import { loadTimeline } from '../../recovery/timeline.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function incidentNoteAction(id: string, words: string[], _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  const text = words.join(' ').trim()
  if (!text) throw new UserError('incident note needs some text: lastgood incident note ID "what happened"')
  return withPlatform(g, async (p) => {
    await incidentCommand(p, actor, () => noteIncident(p, id, { actor, text }))
    const entry = (await loadTimeline(p.state.db, id)).filter((e) => e.kind === 'note' && e.actor === actor).at(-1)
    if (g.json) printJson({ incident: id, entry })
    else println(`noted on ${id} at ${entry?.at}`)
    return 0
  })
}
