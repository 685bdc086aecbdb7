import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerUserDisable(user: Command): void {
  user
    .command('disable')
    .description('disable an account for good: its sessions end and its tokens stop working')
    .argument('<name>', 'user name')
    .option('--reason <text>', 'why (required; recorded in the audit trail)')
    .action(lazyAction(async () => (await import('./user-disable-run.js')).userDisableAction))
}
