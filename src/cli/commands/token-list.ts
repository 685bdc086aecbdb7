import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerTokenList(token: Command): void {
  token
    .command('list')
    .description('every token with its user, ceiling, expiry, last use and state (never a secret)')
    .option('--user <user>', "only this user's tokens")
    .action(lazyAction(async () => (await import('./token-list-run.js')).tokenListAction))
}
