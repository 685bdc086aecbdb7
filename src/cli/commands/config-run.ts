import { configReference } from '../../config/config-reference.js'
import { configJsonSchemaText } from '../../config/json-schema.js'

export async function configSchemaAction(): Promise<number> {
  process.stdout.write(configJsonSchemaText())
  return 0
}

export async function configReferenceAction(): Promise<number> {
  process.stdout.write(configReference())
  return 0
}
