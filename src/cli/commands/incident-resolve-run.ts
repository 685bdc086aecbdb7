import type { Command } from 'commander'
import { incidentResolveOperation } from '../../operations/incidents.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function incidentResolveAction(id: string, opts: { summary?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentResolveOperation, { id, summary: opts.summary ?? '' })
  if (g.json) printJson(result)
  else println(`incident ${id} resolved; post-mortem draft: lastgood incident postmortem ${id}`)
  return exitCode
}
