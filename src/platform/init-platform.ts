import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { constants, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkpointAudit } from '../audit/audit-checkpoint.js'
import { appendAudit } from '../audit/audit-log.js'
import { configJsonSchemaText } from '../config/json-schema.js'
import { loadConfig } from '../config/load-config.js'
import type { ResolvedConfig } from '../config/types.js'
import { UserError } from '../core/errors.js'
import { Repository } from '../repository/repository.js'
import { openState } from '../state/open-state.js'
import { keySource } from './open-platform.js'

/** Examples ship inside the package, beside dist/. */
export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples')

export interface InitResult {
  config: ResolvedConfig
  wroteConfig: boolean
  keyMode: 'passphrase' | 'key-file'
}

/**
 * Creates what one configuration needs: the config itself (from an example, when asked), the state
 * directory, the state database and the repository with its key. Refuses to overwrite anything.
 */
export async function initPlatform(opts: { configFile?: string; example?: string; actor: string }): Promise<InitResult> {
  const configFile = resolve(opts.configFile ?? process.env.LASTGOOD_CONFIG ?? 'lastgood.yaml')
  let wroteConfig = false
  if (opts.example) {
    const examples = await listExamples()
    if (!examples.includes(opts.example)) throw new UserError(`no example "${opts.example}"; examples: ${examples.join(', ')}`)
    if (existsSync(configFile))
      throw new UserError(`${configFile} already exists; remove it or choose another --config to start from the example`)
    await mkdir(dirname(configFile), { recursive: true })
    await writeSchemaBeside(configFile)
    const example = await readFile(join(EXAMPLES_DIR, opts.example, 'lastgood.yaml'), 'utf8')
    await writeFile(configFile, `# yaml-language-server: $schema=./${SCHEMA_FILE}\n${example}`, { flag: 'wx' })
    wroteConfig = true
  } else if (!existsSync(configFile)) {
    throw new UserError(`no configuration at ${configFile}; write one, or start from an example: \`lastgood init --example clinic\``)
  }
  const config = await loadConfig(configFile)
  if (await Repository.exists(config.repository.path)) {
    throw new UserError(`${config.repository.path} is already a lastgood repository; nothing to do`)
  }
  await assertCheckpointFileWritable(config)
  const key = keySource(config)
  const repository = await Repository.init(config.repository.path, key, { compressionLevel: config.repository.compressionLevel })
  try {
    const state = await openState(config)
    try {
      await appendAudit(state, {
        actor: opts.actor,
        action: 'platform.init',
        target: config.platform,
        outcome: 'success',
        details: {
          config: config.file,
          repository: config.repository.path,
          keyMode: key.passphrase ? 'passphrase' : 'key-file',
          example: opts.example ?? null,
        },
      })
      // The first checkpoint: from here on a chain with events and no checkpoint at all is evidence of removal.
      await checkpointAudit(state.db, repository, { copyFile: config.audit.checkpointFile })
    } finally {
      await state.close()
    }
  } finally {
    await repository.close()
  }
  return { config, wroteConfig, keyMode: key.passphrase ? 'passphrase' : 'key-file' }
}

/** The JSON Schema `init` writes beside the configuration it writes, for editors (yaml-language-server). */
export const SCHEMA_FILE = 'lastgood.schema.json'

/**
 * Writes the JSON Schema of this version beside the configuration, where the config's first line points
 * editors; an existing one is left alone (`lastgood config schema > lastgood.schema.json` refreshes it).
 */
async function writeSchemaBeside(configFile: string): Promise<void> {
  await writeFile(join(dirname(configFile), SCHEMA_FILE), configJsonSchemaText(), { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err
  })
}

/** Checked before anything is created, so a bad `audit.checkpoint_file` leaves nothing half-initialised. */
async function assertCheckpointFileWritable(config: ResolvedConfig): Promise<void> {
  const file = config.audit.checkpointFile
  if (!file) return
  const dir = dirname(file)
  if (
    !(await access(dir, constants.W_OK).then(
      () => true,
      () => false,
    ))
  ) {
    throw new UserError(`audit.checkpoint_file: the directory ${dir} does not exist or is not writable`)
  }
}

export async function listExamples(): Promise<string[]> {
  const entries = await readdir(EXAMPLES_DIR, { withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isDirectory() && existsSync(join(EXAMPLES_DIR, e.name, 'lastgood.yaml'))).map((e) => e.name)
}
