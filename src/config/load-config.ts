import { readFile } from 'node:fs/promises'
import { UserError } from '../core/errors.js'
import type { Env } from './interpolate.js'
import { parseConfigText } from './parse-config-text.js'
import type { ResolvedConfig } from './types.js'

export const DEFAULT_CONFIG_FILE = 'lastgood.yaml'

/** The configuration file to use: the argument (`--config`), else `$LASTGOOD_CONFIG`, else ./lastgood.yaml. */
export function configFileName(file?: string, env: Env = process.env): string {
  return file || env.LASTGOOD_CONFIG || DEFAULT_CONFIG_FILE
}

/**
 * Reads, validates and resolves the configuration. Every problem is a UserError (a ConfigError for the
 * file's content) naming the file, so the CLI exits 2 having changed nothing.
 */
export async function loadConfig(file?: string, env: Env = process.env): Promise<ResolvedConfig> {
  const name = configFileName(file, env)
  let text: string
  try {
    text = await readFile(name, 'utf8')
  } catch (err) {
    throw new UserError(readProblem(name, err))
  }
  return parseConfigText(text, name, env)
}

function readProblem(name: string, err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return (
        `${name}: no such configuration file; create one with \`lastgood init --example clinic\`, ` +
        'or name another with --config FILE or LASTGOOD_CONFIG'
      )
    case 'EISDIR':
      return `${name}: is a directory; expected a configuration file such as ${name}/${DEFAULT_CONFIG_FILE}`
    case 'EACCES':
    case 'EPERM':
      return `${name}: permission denied; expected a readable configuration file`
    default:
      return `${name}: cannot read the configuration file: ${(err as Error).message}`
  }
}
