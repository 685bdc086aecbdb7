import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerReport(program: Command): void {
  const report = program.command('report').description('reports for auditors, drawn from the audit chain')

  report
    .command('compliance')
    .description(
      "every recovery action (rollbacks, incidents, monitor decisions, emergency snapshots, drills) with who, when, why, outcome and approvals, under the audit chain's verdict; exit 1 when the chain is broken",
    )
    .option('--since <time>', 'only actions at or after this ISO time, or this long ago (e.g. 7d)')
    .option('--until <time>', 'only actions at or before this ISO time, or this long ago')
    .action(lazyAction(async () => (await import('./report-run.js')).reportComplianceAction))
}
