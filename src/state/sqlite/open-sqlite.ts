import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import type { Database } from '../schema.js'
import { migrate, type State } from '../state.js'

/** Opens (creating if needed) the embedded state database in stateDir and brings its schema up to date. */
export async function openSqliteState(stateDir: string): Promise<State> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  const file = join(stateDir, 'state.db')
  const sqlite = new BetterSqlite3(file)
  // WAL lets readers run beside the one writer; a writer waits up to 10 s for the lock instead of failing.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('busy_timeout = 10000')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  await migrate(db)
  return {
    db,
    engine: 'sqlite',
    writeTransaction: (fn) => serialised(file, () =>
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
      })),
    close: () => db.destroy(),
  }
}

/**
 * better-sqlite3 blocks the thread while it waits for a lock, so two connections of one process must never
 * wait on each other: the waiter would block the very event loop the holder needs to commit. Writers of the
 * same file in one process therefore queue here; other processes wait on SQLite's own lock.
 */
const queues = new Map<string, Promise<unknown>>()

function serialised<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve()
  const next = previous.then(fn, fn)
  const settled = next.catch(() => undefined)
  queues.set(file, settled)
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file)
  })
  return next
}
