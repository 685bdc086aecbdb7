import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerTokenCreate(token: Command): void {
  token
    .command('create')
    .description('create a token acting as a user; it is printed once and kept only as a hash')
    .argument('<name>', 'token name, unique for ever (such as ci-deploy)')
    .requiredOption('--user <user>', 'the account it acts as')
    .option('--expires <duration>', 'lifetime, up to 366d', '90d')
    .option('--role <role>', "role ceiling: the token may do only what both this role and the user's role allow")
    .action(lazyAction(async () => (await import('./token-create-run.js')).tokenCreateAction))
}
