import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerApprovals(program: Command): void {
  const approvals = program
    .command('approvals')
    .description('approval requests the decision matrix asked for: list them (open ones; --all every one), show one, wait for one')
    .option('--all', 'decided, expired and executed requests too', false)
    .action(lazyAction(async () => (await import('./approvals-run.js')).approvalListAction))
  approvals
    .command('show')
    .description('one request: its plan, who was asked, the decisions, the run')
    .argument('<id>', 'approval id (`lastgood approvals`)')
    .action(lazyAction(async () => (await import('./approvals-run.js')).approvalShowAction))
  approvals
    .command('wait')
    .description(
      'follow a request to its end: exit 0 when it ran and the rollback succeeded, 1 when it failed, 3 when rejected, expired, stale or still open at --timeout',
    )
    .argument('<id>', 'approval id')
    .option('--timeout <duration>', 'give up waiting after this long', '15m')
    .action(lazyAction(async () => (await import('./approvals-run.js')).approvalWaitAction))
}

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description(
      'approve a request (not your own; needs approve:<scenario>); the approval that completes it runs its plan at once, if the plan is still the one approved',
    )
    .argument('<id>', 'approval id (`lastgood approvals`)')
    .option('--reason <reason>', 'why (required; recorded in the audit trail)')
    .action(lazyAction(async () => (await import('./approvals-run.js')).approveAction))
  program
    .command('reject')
    .description('reject a request (not your own; needs approve:<scenario>): it ends and nothing runs')
    .argument('<id>', 'approval id (`lastgood approvals`)')
    .option('--reason <reason>', 'why (required; recorded in the audit trail)')
    .action(lazyAction(async () => (await import('./approvals-run.js')).rejectAction))
}
