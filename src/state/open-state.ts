import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely'
import { migrationProvider } from './migrations.js'
import type { Database } from './schema.js'

export type StateDb = Kysely<Database>

export interface State {
  db: StateDb
  /**
   * Runs fn inside a transaction that holds the write lock from its first statement, so a
   * read-then-write (the audit chain head, a lock row) cannot race another process. fn must use the
   * handle it is given, not `db`.
   */
  writeTransaction<T>(fn: (tx: StateDb) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Opens (creating if needed) the embedded state database in stateDir and brings its schema up to date. */
export async function openState(stateDir: string): Promise<State> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  const sqlite = new BetterSqlite3(join(stateDir, 'state.db'))
  // WAL lets readers run beside the one writer; a writer waits up to 10 s for the lock instead of failing.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('busy_timeout = 10000')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  await migrate(db)
  return {
    db,
    writeTransaction: (fn) =>
      db.connection().execute(async (conn) => {
        // IMMEDIATE takes the write lock now; a deferred transaction that reads first could not upgrade
        // once another process has written, and would fail instead of waiting.
        await sql`begin immediate`.execute(conn)
        try {
          const result = await fn(conn)
          await sql`commit`.execute(conn)
          return result
        } catch (err) {
          await sql`rollback`.execute(conn)
          throw err
        }
      }),
    close: () => db.destroy(),
  }
}

async function migrate(db: StateDb): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
}
