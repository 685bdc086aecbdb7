import { mkdir, readlink, writeFile } from 'node:fs/promises'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { withEnv } from '../../src/demo/sample-platform.js'
import { appStatus } from '../../src/inspect/app-status.js'
import { recoveryTarget } from '../../src/recovery/runbook/recovery-target.js'
import { planRollback } from '../../src/rollback/plan-rollback.js'
import { runRollback } from '../../src/rollback/run-rollback.js'
import { createSnapshot } from '../../src/snapshots/create-snapshot.js'
import { markGood } from '../../src/snapshots/mark-good.js'
import { pruneSnapshots } from '../../src/snapshots/prune-snapshots.js'
import { RunbookFixture } from '../recovery/runbook-fixture.js'
import { rollbackTargetsConfig } from '../helpers/configs.js'
import { assertPostgresReachable, engines, type StateFixture } from '../helpers/state-engines.js'

/**
 * RELIABILITY case 16, at the service level, on both state engines: what a plain rollback, the monitor
 * (the same planRollback without a target), a runbook (recoveryTarget), status and retention pick.
 */
const ALL_ROWS = '{"rows":[1,2,3,4,5,6]}'
const HALF_ROWS = '{"rows":[1,2,3]}'
const signal = () => AbortSignal.timeout(30_000)

beforeAll(assertPostgresReachable)

let f: RunbookFixture | undefined
let state: StateFixture | undefined
afterEach(async () => {
  await f?.destroy()
  await state?.cleanup()
  f = undefined
  state = undefined
})

for (const engine of engines) {
  describe(`rollback targets (${engine.name})`, () => {
    async function setup(): Promise<RunbookFixture> {
      state = await engine.fixture()
      f = await RunbookFixture.create(rollbackTargetsConfig(state.configBlock), async (s) => {
        await s.deploy('staff', 'v1')
        await s.deploy('inventory', 'v1')
        await mkdir(`${s.dir}/data`, { recursive: true })
        await writeFile(`${s.dir}/data/records.json`, ALL_ROWS)
        await s.start(['staff', 'inventory'])
      })
      return f
    }
    const app = (fx: RunbookFixture, name: string) => fx.p.config.apps.find((a) => a.name === name)!
    const snapshot = (fx: RunbookFixture, name: string, kind: 'pre-deploy' | 'scheduled') =>
      withEnv(fx.sample.env, () => createSnapshot(fx.p, app(fx, name), { kind, actor: 'tester' }))
    const plan = (fx: RunbookFixture, name: string, opts: { to?: string; components?: string[] } = {}) =>
      withEnv(fx.sample.env, () => planRollback(fx.p, { apps: [app(fx, name)], signal: signal(), ...opts }))
    const rollback = async (fx: RunbookFixture, name: string, reason: string, opts: { components?: string[] } = {}) => {
      const report = await withEnv(fx.sample.env, async () =>
        runRollback(fx.p, await plan(fx, name, opts), { actor: 'nurse-lead', reason }),
      )
      expect(report.status, JSON.stringify(report.apps)).toBe('succeeded')
      return report
    }

    it('case 16: a release a rollback moved away from is never an automatic target again, not even captured anew; naming it works; mark-good clears it', async () => {
      const fx = await setup()
      const p1 = await snapshot(fx, 'staff', 'pre-deploy')
      await fx.sample.deploy('staff', 'v2')
      const s2 = await snapshot(fx, 'staff', 'scheduled')
      expect(s2.knownGood).toBe(true)
      // v2 bills patients twice: health cannot see that, a person can.
      const away = await rollback(fx, 'staff', 'v2 bills patients twice')
      expect(away.apps[0]).toMatchObject({ target: p1.id, from: { release: 'v2' }, to: { release: 'v1' } })

      // The next plain rollback (a person's, or the monitor's: the same plan) has nothing left to restore:
      // not the safety snapshot of v2, not the scheduled capture of v2.
      await expect(plan(fx, 'staff')).rejects.toThrow(
        new RegExp(
          `passed over, restored only when named with --to: .*${away.apps[0]!.safety} \\(a safety snapshot\\).*${s2.id} \\(holds release=v2, rejected`,
        ),
      )

      // Someone deploys v2 again and it is captured again; then a broken v3.
      await fx.sample.deploy('staff', 'v2')
      const s3 = await snapshot(fx, 'staff', 'scheduled')
      await fx.sample.deploy('staff', 'v3', { healthy: false })
      expect((await plan(fx, 'staff')).apps[0]!.target.id).toBe(p1.id)
      const incident = await fx.declare('performance_degradation', ['staff'])
      expect(await recoveryTarget(fx.p, incident, app(fx, 'staff'))).toBe(p1.id)
      const status = await withEnv(fx.sample.env, () => appStatus(fx.p, app(fx, 'staff')))
      expect(status.components[0]!.rollbackTarget).toMatchObject({ snapshot: p1.id, version: 'v1', kind: 'pre-deploy' })
      expect(status.lastKnownGood?.id).toBe(p1.id)
      // Retention keeps what the next rollback restores, not the newest snapshot a health probe passed.
      expect((await pruneSnapshots(fx.p, [app(fx, 'staff')], { dryRun: true, actor: 'tester' })).removed.map((s) => s.id)).not.toContain(
        p1.id,
      )

      // Durable and audited.
      const rejected = await fx.p.state.db.selectFrom('rejected_releases').selectAll().execute()
      expect(rejected).toEqual([
        expect.objectContaining({
          app: 'staff',
          component: 'release',
          version: 'v2',
          run_id: away.run,
          rejected_by: 'nurse-lead',
          reason: 'v2 bills patients twice',
          cleared_at: null,
        }),
      ])
      const events = await fx.p.state.db
        .selectFrom('audit_events')
        .select(['action', 'details'])
        .where('action', 'in', ['release.reject', 'snapshot.mark-good'])
        .execute()
      expect(events.map((e) => [e.action, JSON.parse(e.details)])).toEqual([
        ['release.reject', { run: away.run, rejected: { release: 'v2' } }],
      ])

      // Named, it is restored; nothing is cleared by that.
      expect((await plan(fx, 'staff', { to: s3.id })).apps[0]!.target.id).toBe(s3.id)
      expect((await plan(fx, 'staff', { to: away.apps[0]!.safety! })).apps[0]!.target.id).toBe(away.apps[0]!.safety)
      // A person vouches for v2 again: the rejection ends, audited with the vouching.
      await markGood(fx.p, s3.id, { actor: 'qa-lead', reason: 'the billing bug was in the payment provider', clearRejections: true })
      expect((await plan(fx, 'staff')).apps[0]!.target.id).toBe(s3.id)
      const cleared = await fx.p.state.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'snapshot.mark-good')
        .executeTakeFirstOrThrow()
      expect(JSON.parse(cleared.details)).toMatchObject({
        snapshot: s3.id,
        clearedRejections: [{ component: 'release', version: 'v2', run: away.run }],
      })
      await expect(markGood(fx.p, away.apps[0]!.safety!, { actor: 'qa-lead', reason: null, clearRejections: true })).rejects.toThrow(
        /is a safety snapshot/,
      )
    }, 90_000)

    it('case 16: a database restored once is restored from the pre-deploy snapshot again, never from the safety snapshot of its damage', async () => {
      const fx = await setup()
      const pre = await snapshot(fx, 'inventory', 'pre-deploy')
      await fx.sample.deploy('inventory', 'v2')
      // Half the rows are deleted; a person restores the records (the safety snapshot holds the damage).
      await writeFile(fx.path('data/records.json'), HALF_ROWS)
      const first = await rollback(fx, 'inventory', 'half the rows were deleted', { components: ['records'] })
      expect(first.apps[0]!.target).toBe(pre.id)
      expect(await fx.read('data/records.json')).toBe(ALL_ROWS)

      // Corrupted again: the data_corruption runbook, and a person's `rollback --component records`, restore all rows.
      await writeFile(fx.path('data/records.json'), 'CORRUPTED')
      expect((await plan(fx, 'inventory', { components: ['records'] })).apps[0]!.target.id).toBe(pre.id)
      const incident = await fx.declare('data_corruption', ['inventory'])
      expect(await recoveryTarget(fx.p, incident, app(fx, 'inventory'), ['records'])).toBe(pre.id)
      const result = await fx.run(incident)
      expect(result.outcome, JSON.stringify(result.steps)).toBe('succeeded')
      expect(await fx.read('data/records.json')).toBe(ALL_ROWS)
      expect(await readlink(fx.path('apps/inventory/current'))).toBe('releases/v2')

      // status: what a release rollback uses, not a snapshot of the records alone.
      const status = await withEnv(fx.sample.env, () => appStatus(fx.p, app(fx, 'inventory')))
      expect(status.lastKnownGood?.id).toBe(pre.id)
      expect(status.components.map((c) => [c.name, c.rollbackTarget?.snapshot ?? null])).toEqual([
        ['release', pre.id],
        ['records', null],
      ])
    }, 90_000)
  })
}
