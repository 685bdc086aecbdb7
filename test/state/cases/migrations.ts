import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { appendAudit, listAudit } from '../../../src/audit/audit-log.js'
import { stateEngineFor } from '../../../src/state/engine-registry.js'
import { migrationProvider } from '../../../src/state/migrations.js'
import { openStateThrough } from '../../helpers/state-before.js'
import type { Engine, StateFixture } from '../../helpers/state-engines.js'

const report = (apps: unknown[]) => JSON.stringify({ apps })

/** What every engine promises about its schema: the settings pick it, it migrates once, and upgrades keep data. */
export function migrationCases(engine: Engine): void {
  describe('settings and migrations', () => {
    let fixture: StateFixture | undefined
    afterEach(async () => {
      await fixture?.cleanup()
      fixture = undefined
    })

    it('the settings that name this state pick this engine, which creates every table and keeps rows across opens', async () => {
      fixture = await engine.fixture()
      expect(stateEngineFor(fixture.settings)).toBe(engine.factory)
      const first = await fixture.open()
      try {
        await appendAudit(first, { actor: 'alice', action: 'platform.init', target: 'p', outcome: 'success' })
      } finally {
        await first.close()
      }
      const again = await fixture.open()
      try {
        expect((await listAudit(again.db)).map((e) => e.action)).toEqual(['platform.init'])
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(again.db)
        expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(await migrationProvider.getMigrations()).sort())
      } finally {
        await again.close()
      }
    })

    it('case 16: a state upgraded from before it rejects what its earlier rollbacks restored apps away from, and nothing else', async () => {
      fixture = await engine.fixture()
      // The state as the lastgood before 0005 left it, with the runs it recorded.
      const before = await openStateThrough(fixture, '0004-recovery')
      const run = (id: string, startedAt: string, apps: unknown[]) =>
        before
          .insertInto('rollback_runs')
          .values({
            id,
            apps: '["staff"]',
            status: 'succeeded',
            reason: `reason of ${id}`,
            actor: 'nurse-lead',
            started_at: startedAt,
            ended_at: startedAt,
            owner_host: 'h',
            owner_pid: 1,
            report: report(apps),
            plan: null,
          })
          .execute()
      await run('rb-1', '2026-01-01T00:00:00.000Z', [
        { app: 'staff', outcome: 'restored', from: { release: 'v2', config: 'c1' }, to: { release: 'v1', config: 'c1' } },
      ])
      await run('rb-2', '2026-01-02T00:00:00.000Z', [{ app: 'staff', outcome: 'reverted', from: { release: 'v3' }, to: { release: 'v1' } }])
      await before.destroy()

      const state = await fixture.open()
      try {
        const rows = await state.db.selectFrom('rejected_releases').selectAll().execute()
        expect(rows).toEqual([
          {
            app: 'staff',
            component: 'release',
            version: 'v2',
            run_id: 'rb-1',
            rejected_at: '2026-01-01T00:00:00.000Z',
            rejected_by: 'nurse-lead',
            reason: 'reason of rb-1',
            cleared_at: null,
            cleared_by: null,
          },
        ])
      } finally {
        await state.close()
      }
    })
  })
}
