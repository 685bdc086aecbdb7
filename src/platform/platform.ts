import type { ResolvedApp, ResolvedConfig } from '../config/types.js'
import { UserError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { Repository } from '../repository/repository.js'
import type { State } from '../state/open-state.js'

/**
 * Everything one configuration file opens: its config, state database and repository. Services take a
 * Platform; only the composition root (open-platform.ts) knows how each part is built.
 */
export interface Platform {
  config: ResolvedConfig
  state: State
  repository: Repository
  log: Logger
  close(): Promise<void>
}

/** The apps named on the command line, in recovery-priority order; all apps when none is named. */
export function selectApps(config: ResolvedConfig, names: string[]): ResolvedApp[] {
  if (names.length === 0 || (names.length === 1 && names[0] === 'all')) return config.apps
  const unknown = names.filter((n) => !config.apps.some((a) => a.name === n))
  if (unknown.length > 0) {
    throw new UserError(
      `unknown app ${unknown.map((n) => `"${n}"`).join(', ')}; the configuration has: ${config.apps.map((a) => a.name).join(', ')}`,
    )
  }
  return config.apps.filter((a) => names.includes(a.name))
}

export function findApp(config: ResolvedConfig, name: string): ResolvedApp {
  const [app] = selectApps(config, [name])
  if (!app) throw new UserError(`unknown app "${name}"`)
  return app
}
