import type { Command } from 'commander'
import { incidentShowOperation } from '../../operations/incidents.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'
import { renderIncidentShow } from '../render-recovery.js'

export async function incidentShowAction(id: string, _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentShowOperation, { id })
  if (g.json) printJson(result)
  else println(renderIncidentShow(result.incident, result.timeline, result.recovery, result.breachAssessment))
  return exitCode
}
