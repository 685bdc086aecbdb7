import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerUserPasswd(user: Command): void {
  user
    .command('passwd')
    .description("set an account's password; its sessions end and a lockout is lifted")
    .argument('<name>', 'user name')
    .option('--password-stdin', 'read the password from stdin (scripts)')
    .action(lazyAction(async () => (await import('./user-passwd-run.js')).userPasswdAction))
}
