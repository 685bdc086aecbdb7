import type { Command } from 'commander'
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
}
