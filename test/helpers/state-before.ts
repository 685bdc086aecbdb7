import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import { join } from 'node:path'
import pg from 'pg'
import { asError } from '../../src/core/errors.js'
import { migrationProvider } from '../../src/state/migrations.js'
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
  const all = await migrationProvider.getMigrations()
  const through = Object.fromEntries(Object.entries(all).filter(([name]) => name <= last))
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(through) },
    ...(pgOptions ? { migrationTableSchema: pgOptions.schema } : {}),
  }).migrateToLatest()
  if (error) throw asError(error)
  return db
}
