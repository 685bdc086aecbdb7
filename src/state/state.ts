import { type Kysely, Migrator } from 'kysely'
import { asError, errCode } from '../core/errors.js'
import { migrationProvider } from './migrations.js'
import type { Database } from './schema.js'

export type StateDb = Kysely<Database>

/**
 * The state database, whichever engine holds it. Engines differ only in how a write transaction takes the
 * single writer lock; every query above this line is the same Kysely code on SQLite and PostgreSQL.
 */
export interface State {
  db: StateDb
  /**
   * Runs fn inside a transaction that holds the write lock from its first statement, so a
   * read-then-write (the audit chain head, a lock row) cannot race another process. fn must use the
   * handle it is given, not `db`.
   */
  writeTransaction<T>(fn: (tx: StateDb) => Promise<T>): Promise<T>
  /**
   * Gives back the space kept aside for a full disk (SQLite: a file in the state directory), so the failure
   * the full disk caused can still be recorded. Whether there was any. Absent: the engine keeps none.
   */
  releaseReserve?(): boolean
  close(): Promise<void>
}

/**
 * Brings the schema up to date. On PostgreSQL the migration bookkeeping is placed in the state's own schema
 * explicitly: Kysely otherwise looks for it in any schema, finds another platform's, and skips creating ours.
 */
export async function migrate(db: StateDb, schema?: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { error } = await new Migrator({
      db,
      provider: migrationProvider,
      ...(schema ? { migrationTableSchema: schema } : {}),
    }).migrateToLatest()
    if (!error) return
    // Kysely's introspection reads the tables of every schema in the database; one dropped meanwhile (another
    // platform's, another test's) fails it with invalid_schema_name. Nothing was migrated: look again.
    if (errCode(error) === INVALID_SCHEMA_NAME && attempt < MIGRATE_ATTEMPTS) {
      await new Promise((r) => setTimeout(r, 20 * attempt))
      continue
    }
    throw asError(error)
  }
}

/** PostgreSQL's SQLSTATE for a schema that does not exist. */
const INVALID_SCHEMA_NAME = '3F000'
const MIGRATE_ATTEMPTS = 10
