import { defineProvider } from '../provider-factory.js'
import { capabilities, configSchema, KIND, resolveCommand } from './command-component.js'
import { commandProvider } from './command-provider.js'

/** Any deploy tool, driven by the team's own `current`, `capture` and `restore` commands: see command-provider.ts. */
export const commandFactory = defineProvider({
  kind: KIND,
  capabilities,
  configSchema,
  resolve: resolveCommand,
  create: () => commandProvider,
  shellEnvironment: (c) => ({ cwd: c.cwd, env: c.env }),
})
