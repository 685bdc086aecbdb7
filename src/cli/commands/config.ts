import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerConfig(program: Command): void {
  const config = program.command('config').description('the configuration file format')
  config
    .command('schema')
    .description('print the JSON Schema of lastgood.yaml (generated from the same schema that validates it)')
    .action(lazyAction(async () => (await import('./config-run.js')).configSchemaAction))
  config
    .command('reference')
    .description('print every key of lastgood.yaml with its type, default, range and description, as Markdown')
    .action(lazyAction(async () => (await import('./config-run.js')).configReferenceAction))
}
