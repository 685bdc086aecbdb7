import { mkdir, readlink, writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withEnv } from '../../src/demo/sample-platform.js'
import { type RollbackRequest, rollbackApps } from '../../src/rollback/rollback-apps.js'
import { latestRun } from '../../src/rollback/unfinished-run.js'
import { createSnapshot } from '../../src/snapshots/create-snapshot.js'
import { RunbookFixture } from '../recovery/runbook-fixture.js'
import { rollbackTargetsConfig } from '../helpers/configs.js'

/**
 * The plan-then-run every caller without a question in between uses (a runbook's recover step): `signal`
 * bounds the planning, `stop` reaches the run, and a request that cannot be planned leaves no run behind.
 */
describe('rollbackApps', () => {
  let fx: RunbookFixture
  beforeAll(async () => {
    fx = await RunbookFixture.create(rollbackTargetsConfig(), async (s) => {
      await s.deploy('staff', 'v1')
      await s.deploy('inventory', 'v1')
      await mkdir(`${s.dir}/data`, { recursive: true })
      await writeFile(`${s.dir}/data/records.json`, '{"rows":[1]}')
      await s.start(['staff', 'inventory'])
    })
    const staff = fx.p.config.apps.find((a) => a.name === 'staff')!
    await withEnv(fx.sample.env, () => createSnapshot(fx.p, staff, { kind: 'pre-deploy', actor: 'tester' }))
    await fx.sample.deploy('staff', 'v2')
  })
  afterAll(() => fx.destroy())

  const request = (app: string, extra: Partial<RollbackRequest> = {}): RollbackRequest => ({
    apps: [fx.p.config.apps.find((a) => a.name === app)!],
    signal: AbortSignal.timeout(30_000),
    actor: 'tester',
    reason: 'test',
    ...extra,
  })

  it('plans under `signal`: aborted, it throws and no run is recorded', async () => {
    const aborted = AbortSignal.abort(new Error('planning cancelled'))
    // The command provider reads what runs now through a shell command, which the signal cancels.
    await expect(
      withEnv(fx.sample.env, () => rollbackApps(fx.p, request('inventory', { components: ['records'], signal: aborted }))),
    ).rejects.toThrow('was cancelled before it started')
    expect(await latestRun(fx.p.state.db, 'inventory')).toBeUndefined()
  })

  it('runs under `stop`: given before the run, it is recorded as not started and nothing is restored', async () => {
    const report = await withEnv(fx.sample.env, () =>
      rollbackApps(fx.p, request('staff', { stop: AbortSignal.abort(new Error('SIGINT')) })),
    )
    expect(report).toMatchObject({ status: 'not-started', stopped: { why: 'stopped by SIGINT' }, actor: 'tester', reason: 'test' })
    expect(await readlink(fx.path('apps/staff/current'))).toBe('releases/v2')
    expect((await latestRun(fx.p.state.db, 'staff'))?.id).toBe(report.run)
  })
})
