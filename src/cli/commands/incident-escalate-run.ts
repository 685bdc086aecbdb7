import type { Command } from 'commander'
import { incidentEscalateOperation } from '../../operations/incidents.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function incidentEscalateAction(id: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentEscalateOperation, { id, reason: opts.reason ?? '' })
  if (g.json) printJson(result)
  else {
    const r = result.incident
    println(
      `incident ${id} is at escalation level ${r.level}; told: ${r.audience.join(', ') || 'no channel configured'}${result.notificationsPending > 0 ? ` (${result.notificationsPending} message(s) still queued; \`lastgood monitor\` delivers them)` : ''}`,
    )
  }
  return exitCode
}
