import type { Command } from 'commander'
import { configReference } from '../../config/config-reference.js'
import { configJsonSchemaText } from '../../config/json-schema.js'
import { runAction } from '../run-action.js'

export function registerConfig(program: Command): void {
  const config = program.command('config').description('the configuration file format')
  config
    .command('schema')
    .description('print the JSON Schema of lastgood.yaml (generated from the same schema that validates it)')
    .action(() =>
      runAction(async () => {
        process.stdout.write(configJsonSchemaText())
        return 0
      }),
    )
  config
    .command('reference')
    .description('print every key of lastgood.yaml with its type, default, range and description, as Markdown')
    .action(() =>
      runAction(async () => {
        process.stdout.write(configReference())
        return 0
      }),
    )
}
