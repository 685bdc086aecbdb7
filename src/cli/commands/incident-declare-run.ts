import type { Command } from 'commander'
import { incidentDeclareOperation } from '../../operations/incidents.js'
import type { RunbookResult } from '../../recovery/runbook/run-runbook.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println, table } from '../output.js'
import { parseTimeOption } from '../parse-time.js'
import { renderAsked } from '../render-approval.js'

interface DeclareOptions {
  scope?: string[]
  reason?: string
  severity?: string
  to?: string
  discovered?: string
}

export async function incidentDeclareAction(type: string, opts: DeclareOptions, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const discovered = opts.discovered === undefined ? undefined : parseTimeOption('--discovered', opts.discovered)
  const { result, exitCode } = await invoke(g, incidentDeclareOperation, { type, scope: opts.scope ?? [], ...opts, discovered })
  if (g.json) printJson(result)
  else {
    const i = result.incident
    const what = `${i.type} (${i.severity}) for ${i.scope.join(', ')}, level ${i.level}, status ${i.status}${result.unheard ? `\nWARNING: ${result.unheard}` : ''}`
    println(render(i.id, what, result.runbook, result.notificationsPending))
  }
  return exitCode
}

function render(id: string, what: string, runbook: RunbookResult | undefined, pending: number): string {
  let out = `incident ${id} declared: ${what}\n`
  if (runbook) {
    out += `\nrunbook ${runbook.outcome}\n`
    out += table(
      ['#', 'STEP', 'OUTCOME', 'STARTED', 'ENDED', 'DETAIL'],
      runbook.steps.map((s) => [String(s.index), s.name, s.outcome, s.startedAt, s.endedAt, s.detail]),
    )
    out += '\n'
    if (runbook.approval)
      out += `\n${renderAsked(runbook.approval)}\nThe runbook waits there: once approved, its rollback runs and goes on this incident's timeline (exit 3: refused for now).\n`
  }
  if (pending > 0) out += `\n${pending} message(s) still queued; \`lastgood monitor\` delivers them\n`
  out += `\nnext: lastgood incident show ${id} | escalate ${id} --reason R | resolve ${id} --summary S`
  return out
}
