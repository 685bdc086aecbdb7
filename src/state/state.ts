import { type Kysely, type MigrationProvider, Migrator } from 'kysely'
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
 * Brings the schema up to date (or, for a test of an upgrade, through the migration named `through`). On
 * PostgreSQL the migration bookkeeping is placed in the state's own schema explicitly: Kysely otherwise looks
 * for it in any schema, finds another platform's, and skips creating ours.
 */
export async function migrate(db: StateDb, schema?: string, through?: string): Promise<void> {
  const provider = through === undefined ? migrationProvider : await migrationsThrough(through)
  for (let attempt = 1; ; attempt++) {
    const { error } = await new Migrator({
      db,
      provider,
      ...(schema ? { migrationTableSchema: schema } : {}),
    }).migrateToLatest()
    if (!error) return
    // Kysely's introspection reads the tables and columns of every schema in the database; one another platform
    // (or test) creates or drops meanwhile fails it with invalid_schema_name, undefined_table or
    // undefined_column. Migrations run in one transaction, so nothing was migrated: look again.
    if (INTROSPECTION_RACES.has(errCode(error) ?? '') && attempt < MIGRATE_ATTEMPTS) {
      await new Promise((r) => setTimeout(r, 20 * attempt))
      continue
    }
    throw asError(error)
  }
}

async function migrationsThrough(last: string): Promise<MigrationProvider> {
  const all = await migrationProvider.getMigrations()
  const through = Object.fromEntries(Object.entries(all).filter(([name]) => name <= last))
  return { getMigrations: () => Promise.resolve(through) }
}

/** PostgreSQL's SQLSTATEs for a schema, a table and a column that do not exist (any more). */
const INTROSPECTION_RACES = new Set(['3F000', '42P01', '42703'])
const MIGRATE_ATTEMPTS = 10
