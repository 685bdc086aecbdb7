import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('integrity: configuration, deployed state against snapshots, health, repository objects')
    .argument('[apps...]', 'apps to validate (default: all)')
    .action(lazyAction(async () => (await import('./validate-run.js')).validateAction))
}
