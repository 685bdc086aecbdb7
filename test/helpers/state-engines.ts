import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { stateEngines } from '../../src/state/engine-registry.js'
import { openState, type State, type StateSettings } from '../../src/state/open-state.js'
import type { StateEngine } from '../../src/state/state-engine.js'

/** The PostgreSQL server the tests use; CI starts it (see .ci/run). */
export const TEST_DATABASE_URL = process.env.LASTGOOD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface StateFixture {
  /** Opens another connection to the same state, as a second process or replica would. */
  open(): Promise<State>
  cleanup(): Promise<void>
  /** For SamplePlatform configs: the `database:` block, or '' for SQLite. */
  configBlock: string
  /** What open() passes to openState, for a child process that opens the same state. */
  settings: StateSettings
}

export interface Engine {
  name: string
  factory: StateEngine
  fixture(): Promise<StateFixture>
}

/** A fresh, private state of one engine: its settings, the config block naming it, and how to remove it. */
type FixtureParts = Omit<StateFixture, 'open'>

/** How tests get a state of each registered engine, by the engine's kind. */
const fixtures: Record<string, () => Promise<FixtureParts>> = {
  async sqlite() {
    const dir = await mkdtemp(join(tmpdir(), 'lastgood-state-'))
    return { settings: { stateDir: dir }, cleanup: () => rm(dir, { recursive: true, force: true }), configBlock: '' }
  },
  postgres() {
    // A fresh schema per fixture: tests never see each other's rows, and dropping it cleans up everything.
    const schema = `lg-test-${randomBytes(5).toString('hex')}`
    return Promise.resolve({
      settings: { stateDir: '', database: { url: TEST_DATABASE_URL, schema } },
      async cleanup() {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
        await client.connect()
        await client.query(`drop schema if exists "${schema}" cascade`)
        await client.end()
      },
      configBlock: `database:\n  url: ${TEST_DATABASE_URL}\n  schema: ${schema}\n`,
    })
  },
}

/**
 * Every registered state engine. One without a fixture above fails every suite that runs on all engines, so a
 * new engine cannot skip them. PostgreSQL must be reachable: when it is not, the suites fail with a message
 * saying how to start it (they are never skipped: the PostgreSQL dialect is a promise, not an option).
 */
export const engines: Engine[] = stateEngines.map((factory) => ({
  name: factory.kind,
  factory,
  async fixture() {
    const parts = fixtures[factory.kind]
    if (!parts) throw new Error(`state engine ${factory.kind} has no test fixture: add one to test/helpers/state-engines.ts`)
    const made = await parts()
    return { ...made, open: () => openState(made.settings) }
  },
}))

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
