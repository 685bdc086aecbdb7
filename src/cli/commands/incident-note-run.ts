import type { Command } from 'commander'
import { incidentNoteOperation } from '../../operations/incidents.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function incidentNoteAction(id: string, words: string[], _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentNoteOperation, { id, text: words.join(' ') })
  if (g.json) printJson(result)
  else println(`noted on ${id} at ${result.entry?.at}`)
  return exitCode
}
