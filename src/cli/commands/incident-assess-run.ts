import type { Command } from 'commander'
import { incidentAssessOperation } from '../../operations/incidents.js'
import { type BreachOutcome, describeBreachAssessment } from '../../recovery/breach-assessment.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function incidentAssessAction(id: string, opts: { outcome?: string; reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentAssessOperation, {
    id,
    // The operation's schema names the outcomes when this is none of them.
    outcome: opts.outcome as BreachOutcome,
    reason: opts.reason ?? '',
  })
  if (g.json) printJson(result)
  else println(`breach assessment of ${id}: ${describeBreachAssessment(result.breachAssessment)}`)
  return exitCode
}
