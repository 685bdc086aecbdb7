import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerFreeze(program: Command): void {
  program
    .command('freeze')
    .description("freeze an app's deploys, or all apps': preflight refuses them until the freeze ends (--until) or is lifted (unfreeze)")
    .argument('<app>', 'the app to freeze, or all')
    .option('--until <time>', 'when it ends by itself: an ISO time such as 2026-11-26T18:00Z, or a duration from now such as 2h (required)')
    .option('--reason <reason>', 'why (required; recorded in the audit trail and shown by preflight)')
    .action(lazyAction(async () => (await import('./freeze-run.js')).freezeAction))
}

export function registerUnfreeze(program: Command): void {
  program
    .command('unfreeze')
    .description('lift the freezes of an app (or of all) before they end')
    .argument('<app>', 'the app, or all')
    .option('--reason <reason>', 'why (required; recorded in the audit trail)')
    .action(lazyAction(async () => (await import('./freeze-run.js')).unfreezeAction))
}
