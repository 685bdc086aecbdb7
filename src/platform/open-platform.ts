import { auditHead, checkpointAudit, type AuditHead } from '../audit/audit-checkpoint.js'
import type { Env } from '../config/interpolate.js'
import { loadConfig } from '../config/load-config.js'
import type { ResolvedConfig } from '../config/types.js'
import { messageOf, UserError } from '../core/errors.js'
import { asStorageError } from '../core/storage-fault.js'
import { createLogger, type Logger } from '../core/logger.js'
import { registerSecret } from '../core/redact.js'
import { registerChannelSecrets } from '../channels/channel-registry.js'
import { type KeySource, Repository } from '../repository/repository.js'
import { openState, type State } from '../state/open-state.js'
import type { Platform } from './platform.js'

export function keySource(config: ResolvedConfig, env: Env = process.env): KeySource {
  const passphrase = env.LASTGOOD_PASSWORD
  registerSecret(passphrase)
  return passphrase ? { passphrase, keyFile: config.repository.keyFile } : { keyFile: config.repository.keyFile }
}

/**
 * Opens an initialised platform. A missing repository is a user error (nothing is created implicitly:
 * `lastgood init` does that), so a typo in --config never scatters state directories around.
 */
export async function openPlatform(configFile?: string, opts: { readOnly?: boolean; env?: Env } = {}): Promise<Platform> {
  const config = await loadConfig(configFile, opts.env)
  // Before anything from outside can enter: a receiver's answer, a command's output, a stored record shown.
  registerChannelSecrets(config.notifications.channels)
  if (!(await Repository.exists(config.repository.path))) {
    throw new UserError(`no lastgood repository at ${config.repository.path}; run \`lastgood init --config ${config.file}\` first`)
  }
  const repository = await Repository.open(config.repository.path, keySource(config, opts.env), {
    compressionLevel: config.repository.compressionLevel,
    readOnly: opts.readOnly,
  }).catch((err: unknown) => {
    throw asStorageError(err, `its repository lock in ${config.repository.path}`)
  })
  let state: State | undefined
  let opened: AuditHead | undefined
  try {
    state = await openState(config)
    // The head when the command starts: at close, a different head means the command appended events.
    opened = await auditHead(state.db)
  } catch (err) {
    await state?.close()
    await repository.close()
    throw asStorageError(err, config.database ? 'its PostgreSQL state database' : `its state database in ${config.stateDir}`)
  }
  return assemble(config, state, repository, opened)
}

function assemble(config: ResolvedConfig, state: State, repository: Repository, opened: AuditHead | undefined): Platform {
  const log = createLogger()
  return {
    config,
    state,
    repository,
    log,
    async close() {
      try {
        await checkpointIfAppended(state, repository, opened, config, log)
      } finally {
        try {
          await repository.close()
        } finally {
          await state.close()
        }
      }
    },
  }
}

/**
 * Every command closes its platform, so this is where a command that appended audit events checkpoints the
 * new head (RELIABILITY promise 3). A checkpoint that cannot be written does not undo or fail the command,
 * whose events are committed: it is logged, and the next command that appends checkpoints a head that
 * covers this one.
 */
async function checkpointIfAppended(
  state: State,
  repository: Repository,
  opened: AuditHead | undefined,
  config: ResolvedConfig,
  log: Logger,
): Promise<void> {
  try {
    const head = await auditHead(state.db)
    if (!head || (head.seq === opened?.seq && head.hash === opened.hash)) return
    await checkpointAudit(state.db, repository, { copyFile: config.audit.checkpointFile })
  } catch (err) {
    log.warn({ err }, `audit checkpoint: ${messageOf(err)}`)
  }
}
