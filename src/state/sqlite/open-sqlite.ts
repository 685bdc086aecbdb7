import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import type { Database } from '../schema.js'
import { storageFault } from '../../core/storage-fault.js'
import { migrate, type State } from '../state.js'
import { SpaceReserve } from './space-reserve.js'

/** Opens (creating if needed) the embedded state database in stateDir and brings its schema up to date. */
export async function openSqliteState(stateDir: string): Promise<State> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  const file = join(stateDir, 'state.db')
  const reserve = new SpaceReserve(stateDir)
  let opened: Opened
  try {
    opened = await openDb(file)
  } catch (err) {
    // A full disk: give the reserve back and try once more, so status and the failure records still work.
    if (storageFault(err) !== 'full' || !reserve.release()) throw err
    opened = await openDb(file)
  }
  const { db, sqlite } = opened
  reserve.keep()
  return {
    db,
    releaseReserve: () => reserve.release(),
    writeTransaction: (fn) =>
      serialised(file, () =>
        db.connection().execute(async (conn) => {
          // IMMEDIATE takes the write lock now; a deferred transaction that reads first could not upgrade
          // once another process has written, and would fail instead of waiting.
          await sql`begin immediate`.execute(conn)
          try {
            const result = await fn(conn)
            await sql`commit`.execute(conn)
            return result
          } catch (err) {
            // A statement that failed on a full disk or an I/O error has already rolled the transaction back;
            // a second rollback would fail and hide the error that matters.
            if (sqlite.inTransaction) await sql`rollback`.execute(conn)
            throw err
          }
        }),
      ),
    close: () => db.destroy(),
  }
}

interface Opened {
  db: Kysely<Database>
  sqlite: BetterSqlite3.Database
}

async function openDb(file: string): Promise<Opened> {
  const sqlite = new BetterSqlite3(file)
  try {
    // WAL lets readers run beside the one writer; a writer waits up to 10 s for the lock instead of failing.
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('busy_timeout = 10000')
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('foreign_keys = ON')
  } catch (err) {
    sqlite.close()
    throw err
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  try {
    await migrate(db)
  } catch (err) {
    await db.destroy()
    throw err
  }
  return { db, sqlite }
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
