import { loadConfig } from '../config/load-config.js'
import type { ResolvedConfig } from '../config/types.js'
import { UserError } from '../core/errors.js'
import { createLogger } from '../core/logger.js'
import { registerSecret } from '../core/redact.js'
import { type KeySource, Repository } from '../repository/repository.js'
import { openState } from '../state/open-state.js'
import type { Platform } from './platform.js'

export function keySource(config: ResolvedConfig): KeySource {
  const passphrase = process.env.LASTGOOD_PASSWORD
  registerSecret(passphrase)
  return passphrase ? { passphrase, keyFile: config.repository.keyFile } : { keyFile: config.repository.keyFile }
}

/**
 * Opens an initialised platform. A missing repository is a user error (nothing is created implicitly:
 * `lastgood init` does that), so a typo in --config never scatters state directories around.
 */
export async function openPlatform(configFile?: string): Promise<Platform> {
  const config = await loadConfig(configFile)
  if (!(await Repository.exists(config.repository.path))) {
    throw new UserError(`no lastgood repository at ${config.repository.path}; run \`lastgood init --config ${config.file}\` first`)
  }
  const repository = await Repository.open(config.repository.path, keySource(config), { compressionLevel: config.repository.compressionLevel })
  const state = await openState(config.stateDir, config.database)
  const log = createLogger()
  return {
    config,
    state,
    repository,
    log,
    async close() {
      await repository.close()
      await state.close()
    },
  }
}
