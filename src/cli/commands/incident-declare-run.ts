import type { Command } from 'commander'
import { declareIncident } from '../../recovery/declare-incident.js'
import type { IncidentType, Severity } from '../../recovery/incident.js'
import { incidentCommand } from '../../recovery/incident-command.js'
import type { RunbookResult } from '../../recovery/runbook/run-runbook.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println, table } from '../output.js'
import { withPlatform } from '../with-platform.js'

interface DeclareOptions {
  scope?: string[]
  reason?: string
  severity?: string
  to?: string
}

export async function incidentDeclareAction(type: string, opts: DeclareOptions, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  const abort = new AbortController()
  const cancel = () => abort.abort(new Error('interrupted'))
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)
  try {
    return await withPlatform(g, async (p) => {
      const { result, pending } = await incidentCommand(p, actor, () =>
        declareIncident(
          p,
          {
            type: type as IncidentType,
            scope: opts.scope ?? [],
            reason: opts.reason ?? '',
            actor,
            ...(opts.severity !== undefined ? { severity: opts.severity as Severity } : {}),
            ...(opts.to !== undefined ? { target: opts.to } : {}),
          },
          { signal: abort.signal },
        ),
      )
      const ok = result.runbook?.outcome === 'succeeded'
      if (g.json) printJson({ ...result, notificationsPending: pending })
      else
        println(
          render(
            result.incident.id,
            `${result.incident.type} (${result.incident.severity}) for ${result.incident.scope.join(', ')}, level ${result.incident.level}, status ${result.incident.status}${result.unheard ? `\nWARNING: ${result.unheard}` : ''}`,
            result.runbook,
            pending,
          ),
        )
      return ok ? 0 : 1
    })
  } finally {
    process.off('SIGINT', cancel)
    process.off('SIGTERM', cancel)
  }
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
  }
  if (pending > 0) out += `\n${pending} message(s) still queued; \`lastgood monitor\` delivers them\n`
  out += `\nnext: lastgood incident show ${id} | escalate ${id} --reason R | resolve ${id} --summary S`
  return out
}
