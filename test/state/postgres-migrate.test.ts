import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { beforeAll, expect, test } from 'vitest'
import { openState } from '../../src/state/open-state.js'
import { assertPostgresReachable, TEST_DATABASE_URL } from '../helpers/state-engines.js'

beforeAll(assertPostgresReachable)

test('a state opens while other schemas of the database are created and dropped around it', async () => {
  // Kysely's migrator reads the tables of every schema; another platform (or test) dropping its own schema at
  // that moment must not fail this one's start.
  const churn = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await churn.connect()
  let churning = true
  const loop = (async () => {
    for (let i = 0; churning; i++) {
      const s = `lg-churn-${randomBytes(4).toString('hex')}`
      await churn.query(`create schema "${s}"; create table "${s}".t (id serial primary key, v text)`)
      await churn.query(`drop schema "${s}" cascade`)
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  const opened: string[] = []
  try {
    for (let i = 0; i < 15; i++) {
      const schema = `lg-test-${randomBytes(5).toString('hex')}`
      const state = await openState({ stateDir: '', database: { url: TEST_DATABASE_URL, schema } })
      expect(await state.db.selectFrom('incidents').select('id').execute()).toEqual([])
      await state.close()
      opened.push(schema)
    }
  } finally {
    churning = false
    await loop
    for (const s of opened) await churn.query(`drop schema if exists "${s}" cascade`)
    await churn.end()
  }
  expect(opened).toHaveLength(15)
}, 60_000)
