import { stateEngineFor } from './engine-registry.js'
import type { StateSettings } from './state-engine.js'
import type { State } from './state.js'

export type { State, StateDb } from './state.js'
export type { StateSettings } from './state-engine.js'

/**
 * Opens the state where the configuration puts it: SQLite in the state directory by default, or the
 * PostgreSQL schema it names (`database`), where several replicas share one journal, one set of locks and
 * one audit chain.
 */
export async function openState(settings: StateSettings): Promise<State> {
  const engine = stateEngineFor(settings)
  return engine.create(engine.configSchema.parse(settings))
}
