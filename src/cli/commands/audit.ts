import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail')

  audit
    .command('verify')
    .description(
      'recompute the chain; name the first event that was changed, removed or reordered; compare it with every checkpoint (a cut tail, a rewrite)',
    )
    .action(lazyAction(async () => (await import('./audit-run.js')).auditVerifyAction))

  audit
    .command('log')
    .description('list events, oldest first')
    .option('--since <time>', 'only events at or after this ISO time (e.g. 2026-11-26 or 2026-11-26T04:00Z) or this long ago (e.g. 7d)')
    .option('--limit <n>', 'at most this many events')
    .action(lazyAction(async () => (await import('./audit-run.js')).auditLogAction))

  audit
    .command('export')
    .description('every event as JSON lines on stdout, with hashes, for an outside archive')
    .option('--since <time>', 'only events at or after this ISO time, or this long ago (e.g. 7d)')
    .action(lazyAction(async () => (await import('./audit-run.js')).auditExportAction))
}
