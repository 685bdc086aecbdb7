import { z } from 'zod'
import type { StateEngine } from '../state-engine.js'
import { openSqliteState } from './open-sqlite.js'

/** The embedded default: `state.db` in the state directory, when the configuration names no database. */
export const sqliteEngine: StateEngine<{ stateDir: string }> = {
  kind: 'sqlite',
  capabilities: { localDisk: true },
  configSchema: z.object({ stateDir: z.string().min(1), database: z.undefined().optional() }),
  create: (config) => openSqliteState(config.stateDir),
}
