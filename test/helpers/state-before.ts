import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import { join } from 'node:path'
import pg from 'pg'
import { migrate } from '../../src/state/state.js'
import type { StateFixture } from './state-engines.js'

/**
 * The fixture's state as an older lastgood left it: migrated through `last` and no further, so a test can
 * write the rows that older version wrote before the next openState() migrates the rest.
 */
export async function openStateThrough(fixture: StateFixture, last: string): Promise<Kysely<any>> {
  const { stateDir: dir, database: pgOptions } = fixture.settings
  let db: Kysely<any>
  if (pgOptions) {
    const pool = new pg.Pool({ connectionString: pgOptions.url, max: 1, options: `-c search_path="${pgOptions.schema}"` })
    await pool.query(`create schema if not exists "${pgOptions.schema}"`)
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
  } else {
    db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(join(dir, 'state.db')) }) })
  }
  await migrate(db, pgOptions?.schema, last)
  return db
}
