import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerTokenRevoke(token: Command): void {
  token
    .command('revoke')
    .description('revoke a token now')
    .argument('<name>', 'token name')
    .option('--reason <text>', 'why (required; recorded in the audit trail)')
    .action(lazyAction(async () => (await import('./token-revoke-run.js')).tokenRevokeAction))
}
