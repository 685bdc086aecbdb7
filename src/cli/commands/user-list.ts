import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerUserList(user: Command): void {
  user
    .command('list')
    .description('every account with its role and state (never a password hash)')
    .action(lazyAction(async () => (await import('./user-list-run.js')).userListAction))
}
