import type { Command } from 'commander'
import type { AuditEvent } from '../../audit/audit-event.js'
import { listAudit } from '../../audit/audit-log.js'
import { loadCheckpoints } from '../../audit/audit-checkpoint.js'
import { type AuditVerifyReport, verifyAudit } from '../../audit/verify-audit.js'
import { UserError } from '../../core/errors.js'
import { globals } from '../global-options.js'
import { parseTimeOption } from '../parse-time.js'
import { printJson, println, table } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail')

  audit
    .command('verify')
    .description(
      'recompute the chain; name the first event that was changed, removed or reordered; compare it with every checkpoint (a cut tail, a rewrite)',
    )
    .action((_opts: unknown, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        return withPlatform(g, async (p) => {
          const checkpoints = await loadCheckpoints(p.repository, { copyFile: p.config.audit.checkpointFile })
          const report = await verifyAudit(p.state.db, { checkpoints })
          if (g.json) printJson(report)
          else println(renderVerify(report))
          return report.ok ? 0 : 1
        })
      }),
    )

  audit
    .command('log')
    .description('list events, oldest first')
    .option('--since <time>', 'only events at or after this ISO time (e.g. 2026-11-26 or 2026-11-26T04:00Z) or this long ago (e.g. 7d)')
    .option('--limit <n>', 'at most this many events')
    .action((opts: { since?: string; limit?: string }, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        const filter = parseFilter(opts)
        return withPlatform(g, async (p) => {
          const events = await listAudit(p.state.db, filter)
          if (g.json) printJson({ events })
          else println(events.length === 0 ? 'no events' : render(events))
          return 0
        })
      }),
    )

  audit
    .command('export')
    .description('every event as JSON lines on stdout, with hashes, for an outside archive')
    .option('--since <time>', 'only events at or after this ISO time, or this long ago (e.g. 7d)')
    .action((opts: { since?: string }, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        const filter = parseFilter(opts)
        return withPlatform(g, async (p) => {
          for (const e of await listAudit(p.state.db, filter)) process.stdout.write(`${JSON.stringify(e)}\n`)
          return 0
        })
      }),
    )
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

/** The verdict of `audit verify`, also the head of `report compliance`. */
export function renderVerify(report: AuditVerifyReport): string {
  const c = report.checkpoints
  const lines = [
    report.firstBad
      ? `AUDIT CHAIN BROKEN at event ${report.firstBad.seq}: ${report.firstBad.problem} (${report.events} events verified before it)`
      : report.ok
        ? `audit chain intact: ${report.events} events, head ${report.headHash.slice(0, 16)}`
        : // Links alone cannot show a cut tail or a full rehash: say the chain is not intact, and why below.
          `AUDIT CHAIN FAILS ITS CHECKPOINTS: its ${report.events} events link up, head ${report.headHash.slice(0, 16)}`,
  ]
  if (c) {
    lines.push(c.latest ? `checkpoints: ${c.count}, the latest of ${c.latest.ts} at event ${c.latest.seq}` : `checkpoints: none`)
    const label = { rewritten: 'MISMATCH', truncated: 'MISMATCH', none: 'MISSING', damaged: 'DAMAGED' } as const
    for (const problem of c.problems) lines.push(`CHECKPOINT ${label[problem.kind]}: ${problem.message}`)
  }
  return lines.join('\n')
}
