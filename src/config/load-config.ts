import { open } from 'node:fs/promises'
import { errCode, messageOf, UserError } from '../core/errors.js'
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
  let bytes: Buffer | undefined
  try {
    bytes = await readAtMost(name, MAX_CONFIG_BYTES)
  } catch (err) {
    throw new UserError(readProblem(name, err))
  }
  if (!bytes) {
    throw new UserError(
      `${name}: larger than ${MAX_CONFIG_BYTES / 1024 ** 2}MiB; expected a configuration file (is --config pointing at a device or a data file?)`,
    )
  }
  return parseConfigText(bytes.toString('utf8'), name, env)
}

/**
 * The largest configuration file read. A platform of hundreds of apps is a few hundred KiB; anything near
 * this is a mistake (a device such as /dev/zero, a dump), refused before it is parsed.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/** The file's bytes, or undefined when it holds more than `limit` (never reading more than limit + 1 bytes). */
async function readAtMost(name: string, limit: number): Promise<Buffer | undefined> {
  const handle = await open(name, 'r')
  try {
    const buffer = Buffer.allocUnsafe(limit + 1)
    let size = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null)
      if (bytesRead === 0) return buffer.subarray(0, size)
      size += bytesRead
      if (size > limit) return undefined
    }
  } finally {
    await handle.close()
  }
}

function readProblem(name: string, err: unknown): string {
  switch (errCode(err)) {
    case 'ENOENT':
      return (
        `${name}: no such configuration file; create one with \`lastgood init --example minimal\` (or capistrano, clinic), ` +
        'or name another with --config FILE or LASTGOOD_CONFIG'
      )
    case 'EISDIR':
      return `${name}: is a directory; expected a configuration file such as ${name}/${DEFAULT_CONFIG_FILE}`
    case 'EACCES':
    case 'EPERM':
      return `${name}: permission denied; expected a readable configuration file`
    default:
      return `${name}: cannot read the configuration file: ${messageOf(err)}`
  }
}
