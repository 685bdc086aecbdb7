import type { Command } from 'commander'
import type { AuditEvent } from '../../audit/audit-event.js'
import { UserError } from '../../core/errors.js'
import { auditExportOperation, auditLogOperation, auditVerifyOperation } from '../../operations/audit.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { parseTimeOption } from '../parse-time.js'
import { printJson, println, table } from '../output.js'
import { renderVerify } from '../render-audit.js'

export async function auditVerifyAction(_opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, auditVerifyOperation, {})
  if (g.json) printJson(result)
  else println(renderVerify(result))
  return exitCode
}

export async function auditLogAction(opts: { since?: string; limit?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, auditLogOperation, parseFilter(opts))
  if (g.json) printJson(result)
  else println(result.events.length === 0 ? 'no events' : render(result.events))
  return exitCode
}

export async function auditExportAction(opts: { since?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, auditExportOperation, parseFilter(opts))
  for (const e of result.events) process.stdout.write(`${JSON.stringify(e)}\n`)
  return exitCode
}

/** Checked here, before anything is opened or sent: `7d` becomes a time from this machine's clock. */
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
