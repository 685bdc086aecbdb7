import { openPostgresState } from './postgres/open-postgres.js'
import { openSqliteState } from './sqlite/open-sqlite.js'
import type { State } from './state.js'

export type { State, StateDb } from './state.js'

/**
 * Opens the state: SQLite in stateDir by default, or the PostgreSQL schema the configuration names
 * (`database.url`), where several replicas share one journal, one set of locks and one audit chain.
 */
export function openState(stateDir: string, database?: { url: string; schema: string }): Promise<State> {
  return database ? openPostgresState(database.url, database.schema) : openSqliteState(stateDir)
}
