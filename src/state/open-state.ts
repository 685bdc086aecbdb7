import { openSqliteState } from './sqlite/open-sqlite.js'
import type { State } from './state.js'

export type { State, StateDb } from './state.js'

/**
 * Opens the state: SQLite in stateDir by default, or the PostgreSQL schema the configuration names
 * (`database.url`), where several replicas share one journal, one set of locks and one audit chain.
 * The PostgreSQL driver is loaded only when it is used: every command pays for what it imports.
 */
export async function openState(stateDir: string, database?: { url: string; schema: string }): Promise<State> {
  if (!database) return openSqliteState(stateDir)
  const { openPostgresState } = await import('./postgres/open-postgres.js')
  return openPostgresState(database.url, database.schema)
}
