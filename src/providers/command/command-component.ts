import { z } from 'zod'
import { expected, strictObject, textSchema } from '../../config-parts/schema-helpers.js'
import { positiveDurationSchema } from '../../config-parts/units.js'
import { dataSchema, shellCommandSchema } from '../component-options.js'
import type { ProviderCapabilities, ResolveContext } from '../provider-factory.js'

export const KIND = 'command'

export const capabilities: ProviderCapabilities = {
  capturesFiles: false,
  data: false,
  restartsAfterRestore: false,
  hasNativeHistory: false,
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** The component's options in lastgood.yaml. */
export const configSchema = strictObject({
  provider: z.literal(KIND).describe('Any deploy tool, driven by three shell commands.'),
  current: shellCommandSchema('prints the version that runs now').describe(
    'Shell command printing the version that runs now; must change nothing.',
  ),
  capture: shellCommandSchema('prints the state to keep').describe('Shell command printing the state to keep on stdout (often JSON).'),
  restore: shellCommandSchema('puts the captured state back').describe(
    'Shell command receiving the captured state on stdin and putting it back.',
  ),
  artifacts: z
    .array(textSchema('a file or directory path'), { error: expected('a list of paths') })
    .default([])
    .describe('Files or directories stored with each capture; relative to cwd.'),
  timeout: positiveDurationSchema().prefault('5m').describe('Timeout of each command.'),
  cwd: textSchema('a directory path').optional().describe("Working directory of the commands; default: the config file's directory."),
  env: z
    .record(
      z.string().regex(ENV_NAME, { error: expected('an environment variable name such as API_URL') }),
      z.union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean') }).transform(String),
      { error: expected('a mapping of environment variables') },
    )
    .default({})
    .describe('Extra environment variables for the commands.'),
  data: dataSchema(capabilities.data),
})

export interface CommandComponent {
  name: string
  provider: typeof KIND
  /** Prints the version that runs now on stdout. */
  current: string
  /** Prints the state to keep on stdout (any text, often JSON). */
  capture: string
  /** Receives the captured state as JSON on stdin and puts it back. */
  restore: string
  /** Absolute paths of files or directories stored with each capture. */
  artifacts: string[]
  timeoutMs: number
  cwd: string
  env: Record<string, string>
  data?: boolean
}

/** The YAML options resolved: the timeout in milliseconds, cwd absolute (default: the config file's directory), artifacts against cwd. */
export function resolveCommand(name: string, c: z.output<typeof configSchema>, ctx: ResolveContext): CommandComponent {
  const cwd = c.cwd ? ctx.resolvePath(ctx.dir, c.cwd) : ctx.dir
  return {
    name,
    provider: KIND,
    current: c.current,
    capture: c.capture,
    restore: c.restore,
    artifacts: c.artifacts.map((a) => ctx.resolvePath(cwd, a)),
    timeoutMs: c.timeout,
    cwd,
    env: { ...c.env },
    ...(c.data ? { data: true } : {}),
  }
}
