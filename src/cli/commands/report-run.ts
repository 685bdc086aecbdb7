import type { Command } from 'commander'
import { type ComplianceReport, CONTINUITY_ACTIVATION_TARGET_MS } from '../../audit/compliance-report.js'
import { formatDuration } from '../../config-parts/units.js'
import { complianceReportOperation } from '../../operations/audit.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { formatMs, printJson, println, table } from '../output.js'
import { parseTimeOption } from '../parse-time.js'
import { renderVerify } from '../render-audit.js'

export async function reportComplianceAction(opts: { since?: string; until?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const now = Date.now()
  const since = opts.since === undefined ? undefined : parseTimeOption('--since', opts.since, now)
  const until = opts.until === undefined ? undefined : parseTimeOption('--until', opts.until, now)
  const { result, exitCode } = await invoke(g, complianceReportOperation, { since, until })
  if (g.json) printJson(result)
  else println(render(result))
  return exitCode
}

function render(r: ComplianceReport): string {
  const window = `${r.window.since ?? 'the first event'} to ${r.window.until ?? 'now'}`
  const head = [
    `COMPLIANCE REPORT: platform ${r.platform}, recovery actions from ${window} (generated ${r.generatedAt})`,
    renderVerify(r.chain),
    '',
  ]
  const breaches =
    r.breachAssessments.length === 0
      ? []
      : [
          '',
          'BREACH ASSESSMENTS (HIPAA 164.404)',
          table(
            ['INCIDENT', 'ASSESSMENT'],
            r.breachAssessments.map((a) => [a.incident, a.state]),
          ),
        ]
  const continuity =
    r.continuityActivations.length === 0
      ? []
      : [
          '',
          `CONTINUITY ACTIVATIONS (target: under ${formatDuration(CONTINUITY_ACTIVATION_TARGET_MS)} from the outage)`,
          table(
            ['PLAN', 'FUNCTION', 'APPS', 'DOWN SINCE', 'ACTIVATED AFTER', ''],
            r.continuityActivations.map((c) => [
              c.plan,
              c.function,
              c.apps.join(', '),
              c.downSince,
              formatMs(c.activationMs),
              c.withinTarget ? 'within target' : 'TARGET MISSED',
            ]),
          ),
        ]
  if (r.actions.length === 0) return [...head, 'no recovery actions in this window', ...continuity, ...breaches].join('\n')
  const rows = r.actions.map((a) => [a.at, a.actor, a.action, a.target, a.outcome, a.approvals, a.breakGlass, a.reason ?? ''])
  return [
    ...head,
    table(['TIME', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'APPROVALS', 'BREAK-GLASS', 'REASON'], rows),
    '',
    `${r.actions.length} recovery actions`,
    ...continuity,
    ...breaches,
  ].join('\n')
}
