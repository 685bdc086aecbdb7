import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openState, type State } from '../../src/state/open-state.js'

/** The PostgreSQL server the tests use; CI starts it (see .ci/run). */
export const TEST_DATABASE_URL = process.env.LASTGOOD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface StateFixture {
  /** Opens another connection to the same state, as a second process or replica would. */
  open(): Promise<State>
  cleanup(): Promise<void>
  /** For SamplePlatform configs: the `database:` block, or '' for SQLite. */
  configBlock: string
  /** What open() passes to openState, for a child process that opens the same state. */
  openArgs: Parameters<typeof openState>
}

export interface Engine {
  name: 'sqlite' | 'postgres'
  fixture(): Promise<StateFixture>
}

const sqlite: Engine = {
  name: 'sqlite',
  async fixture() {
    const dir = await mkdtemp(join(tmpdir(), 'lastgood-state-'))
    return { open: () => openState(dir), cleanup: () => rm(dir, { recursive: true, force: true }), configBlock: '', openArgs: [dir] }
  },
}

const postgres: Engine = {
  name: 'postgres',
  async fixture() {
    // A fresh schema per fixture: tests never see each other's rows, and dropping it cleans up everything.
    const schema = `lg-test-${randomBytes(5).toString('hex')}`
    return {
      open: () => openState('', { url: TEST_DATABASE_URL, schema }),
      async cleanup() {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
        await client.connect()
        await client.query(`drop schema if exists "${schema}" cascade`)
        await client.end()
      },
      configBlock: `database:\n  url: ${TEST_DATABASE_URL}\n  schema: ${schema}\n`,
      openArgs: ['', { url: TEST_DATABASE_URL, schema }],
    }
  },
}

/**
 * Every state engine. PostgreSQL must be reachable: when it is not, the suite fails with a message saying how
 * to start it (it is never skipped: the PostgreSQL dialect is a promise, not an option).
 */
export const engines: Engine[] = [sqlite, postgres]

export async function assertPostgresReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${(err as Error).message}); start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set LASTGOOD_TEST_DATABASE_URL',
      { cause: err },
    )
  } finally {
    await client.end().catch(() => undefined)
  }
}
