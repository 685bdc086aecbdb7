import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerUserAdd(user: Command): void {
  user
    .command('add')
    .description('create an account; its password is typed twice (no echo) or read from --password-stdin')
    .argument('<name>', 'user name (letters, digits and . _ @ + -)')
    .requiredOption('--role <role>', 'a role of auth.roles: viewer, operator, oncall, team-lead, security, dba, admin or a custom one')
    .option('--password-stdin', 'read the password from stdin (scripts)')
    .action(lazyAction(async () => (await import('./user-add-run.js')).userAddAction))
}
