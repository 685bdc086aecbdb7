import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { messageOf, UserError } from '../../core/errors.js'
import { redact, registerSecret } from '../../core/redact.js'
import type { Database } from '../schema.js'
import { migrate, type State } from '../state.js'

/** Any fixed 64-bit number: the advisory lock every lastgood writer of one schema takes. */
const WRITER_LOCK = 0x6c617374676f6f64n

/**
 * Opens the state in a PostgreSQL schema shared by several lastgood replicas, creating the schema and
 * bringing it up to date. Writers serialise on one transaction-scoped advisory lock per schema: the same
 * single-writer discipline SQLite gives the embedded default, so every read-then-write stays race-free.
 */
export async function openPostgresState(url: string, schema: string): Promise<State> {
  const password = safeUrl(url)?.password
  registerSecret(password ? decodeURIComponent(password) : undefined)
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path="${schema}"` })
  try {
    await pool.query(`create schema if not exists "${schema}"`)
  } catch (err) {
    await pool.end()
    throw new UserError(`cannot reach the state database ${redact(url)}: ${redact(messageOf(err))}; check database.url`)
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  await migrate(db, schema)
  const lockKey = WRITER_LOCK ^ BigInt(hash32(schema))
  return {
    db,
    writeTransaction: (fn) =>
      db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${lockKey.toString()}::bigint)`.execute(tx)
        return fn(tx)
      }),
    close: () => db.destroy(),
  }
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

function hash32(text: string): number {
  let h = 0x811c9dc5
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
  return h
}
