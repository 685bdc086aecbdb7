import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the state directory, the repository and its key (and the config, from an example)')
    .option('--example <name>', 'start from an example configuration: minimal, capistrano or clinic (an existing config is kept)')
    .action(lazyAction(async () => (await import('./init-run.js')).initAction))
}
