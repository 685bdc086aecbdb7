import { postgresEngine } from './postgres/postgres-engine.js'
import { sqliteEngine } from './sqlite/sqlite-engine.js'
import type { StateEngine, StateSettings } from './state-engine.js'

/** Every state engine lastgood has; a new engine is one line here. */
export const stateEngines: readonly StateEngine[] = [sqliteEngine, postgresEngine]

/** The one engine whose settings schema accepts these settings. */
export function stateEngineFor(settings: StateSettings): StateEngine {
  const accepting = stateEngines.filter((e) => e.configSchema.safeParse(settings).success)
  if (accepting.length !== 1) {
    // A bug, not a user error: the configuration schema admits only settings that one engine accepts.
    throw new Error(`state settings fit ${accepting.length} engines (${accepting.map((e) => e.kind).join(', ')}), not one`)
  }
  return accepting[0]!
}
