import type { Command } from 'commander'
import type { AuditEvent } from '../../audit/audit-event.js'
import { listAudit } from '../../audit/audit-log.js'
import { loadCheckpoints } from '../../audit/audit-checkpoint.js'
import { verifyAudit } from '../../audit/verify-audit.js'
import { UserError } from '../../core/errors.js'
import { globals } from '../global-options.js'
import { parseTimeOption } from '../parse-time.js'
import { printJson, println, table } from '../output.js'
import { renderVerify } from '../render-audit.js'
import { withPlatform } from '../with-platform.js'

export async function auditVerifyAction(_opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  return withPlatform(g, async (p) => {
    const checkpoints = await loadCheckpoints(p.repository, { copyFile: p.config.audit.checkpointFile })
    const report = await verifyAudit(p.state.db, { checkpoints })
    if (g.json) printJson(report)
    else println(renderVerify(report))
    return report.ok ? 0 : 1
  })
}

export async function auditLogAction(opts: { since?: string; limit?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const filter = parseFilter(opts)
  return withPlatform(g, async (p) => {
    const events = await listAudit(p.state.db, filter)
    if (g.json) printJson({ events })
    else println(events.length === 0 ? 'no events' : render(events))
    return 0
  })
}

export async function auditExportAction(opts: { since?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const filter = parseFilter(opts)
  return withPlatform(g, async (p) => {
    for (const e of await listAudit(p.state.db, filter)) process.stdout.write(`${JSON.stringify(e)}\n`)
    return 0
  })
}

function parseFilter(opts: { since?: string; limit?: string }): { since?: string; limit?: number } {
  const out: { since?: string; limit?: number } = {}
  if (opts.since !== undefined) out.since = parseTimeOption('--since', opts.since)
  if (opts.limit !== undefined) {
    const n = Number(opts.limit)
    if (!Number.isInteger(n) || n < 1) throw new UserError(`--limit: expected a positive whole number, got "${opts.limit}"`)
    out.limit = n
  }
  return out
}

function render(events: AuditEvent[]): string {
  return table(
    ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'REASON'],
    events.map((e) => [String(e.seq), e.ts, e.actor, e.action, e.target, e.outcome, e.reason ?? '']),
  )
}
