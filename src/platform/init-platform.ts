import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { constants, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { checkpointAudit } from '../audit/audit-checkpoint.js'
import { appendAudit } from '../audit/audit-log.js'
import { configJsonSchemaText } from '../config/json-schema.js'
import { loadConfig } from '../config/load-config.js'
import type { ResolvedConfig } from '../config/types.js'
import { UserError } from '../core/errors.js'
import { PACKAGE_ROOT } from '../core/package-root.js'
import { Repository } from '../repository/repository.js'
import { openState } from '../state/open-state.js'
import { keySource } from './open-platform.js'
import type { Env } from '../config/interpolate.js'

/** Examples ship inside the package, beside dist/. */
export const EXAMPLES_DIR = join(PACKAGE_ROOT, 'examples')

export interface InitResult {
  config: ResolvedConfig
  wroteConfig: boolean
  keyMode: 'passphrase' | 'key-file'
  /** False when the repository (and so the state) was there already: nothing was created. */
  created: boolean
  /** What already existed and was left as it is, each with what it would take to change it. */
  kept: string[]
}

/**
 * Creates what one configuration needs: the config itself (from an example, when asked), the state
 * directory, the state database and the repository with its key. Refuses to overwrite anything.
 */
export async function initPlatform(opts: { configFile?: string; example?: string; actor: string; env?: Env }): Promise<InitResult> {
  const env = opts.env ?? process.env
  const configFile = resolve(opts.configFile ?? env.LASTGOOD_CONFIG ?? 'lastgood.yaml')
  let wroteConfig = false
  const kept: string[] = []
  if (opts.example) {
    const examples = await listExamples()
    if (!examples.includes(opts.example)) throw new UserError(`no example "${opts.example}"; examples: ${examples.join(', ')}`)
    const example = `# yaml-language-server: $schema=./${SCHEMA_FILE}\n${await readFile(join(EXAMPLES_DIR, opts.example, 'lastgood.yaml'), 'utf8')}`
    if (existsSync(configFile)) {
      // Never overwritten: say what the example would have changed, and go on with the file that is there.
      const { removed, added } = lineChanges(await readFile(configFile, 'utf8'), example)
      kept.push(
        removed + added === 0
          ? `${configFile} is the ${opts.example} example already`
          : `${configFile} is kept; the ${opts.example} example would remove ${removed} of its lines and add ${added} ` +
              '(to start from the example, remove the file or pass --config NEW.yaml)',
      )
    } else {
      await mkdir(dirname(configFile), { recursive: true })
      await writeSchemaBeside(configFile)
      await writeFile(configFile, example, { flag: 'wx' })
      wroteConfig = true
    }
  } else if (!existsSync(configFile)) {
    throw new UserError(
      `no configuration at ${configFile}; write one, or start from an example: \`lastgood init --example minimal\` (or capistrano, clinic)`,
    )
  }
  const config = await loadConfig(configFile, env)
  const key = keySource(config, env)
  const keyMode = key.passphrase ? 'passphrase' : 'key-file'
  if (await Repository.exists(config.repository.path)) {
    kept.push(
      `${config.repository.path} is a lastgood repository already, with its state in ${config.database ? 'PostgreSQL' : config.stateDir}`,
    )
    return { config, wroteConfig, keyMode, created: false, kept }
  }
  await assertCheckpointFileWritable(config)
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
          keyMode,
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
  return { config, wroteConfig, keyMode, created: true, kept }
}

/** Lines of `from` that `to` lacks (removed) and lines of `to` that `from` lacks (added), counted as multisets. */
function lineChanges(from: string, to: string): { removed: number; added: number } {
  const counts = new Map<string, number>()
  for (const line of from.split('\n')) counts.set(line, (counts.get(line) ?? 0) + 1)
  let added = 0
  for (const line of to.split('\n')) {
    const left = counts.get(line) ?? 0
    if (left > 0) counts.set(line, left - 1)
    else added++
  }
  const removed = [...counts.values()].reduce((sum, n) => sum + n, 0)
  return { removed, added }
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
