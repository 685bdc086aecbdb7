/**
 * The kysely values lastgood uses. Every value src/ takes from kysely comes through here, so the CLI's bundle
 * holds one copy of it; types come from 'kysely' itself.
 */
export { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely'
