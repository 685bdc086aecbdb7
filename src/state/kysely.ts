import { createRequire } from 'node:module'
import type * as KyselyModule from 'kysely'

/**
 * The kysely values lastgood uses, from kysely's CommonJS build. Node 20 loads its 263 files as CommonJS in
 * about half the time it takes as ES modules (`npm run bench:startup`), and every command that opens the
 * state loads all of them. Every value src/ takes from kysely comes from here, so one copy is ever loaded;
 * types still come from 'kysely' itself (the same declarations).
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule

export const { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } = kysely
export type Kysely<DB> = KyselyModule.Kysely<DB>
