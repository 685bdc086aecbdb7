import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listAudit } from '../../../src/audit/audit-log.js'
import { RefusedError } from '../../../src/core/errors.js'
import { acquireTargetLock, LockLostError } from '../../../src/rollback/target-lock.js'
import type { State } from '../../../src/state/open-state.js'
import type { Engine, StateFixture } from '../../helpers/state-engines.js'

/** What the rollback target locks promise on every engine: one holder at a time, all targets or none, fencing. */
export function targetLockCases(engine: Engine): void {
  describe('rollback target locks (RELIABILITY case 10)', () => {
    let fixture: StateFixture
    let a: State
    let b: State
    beforeEach(async () => {
      fixture = await engine.fixture()
      a = await fixture.open()
      b = await fixture.open()
    })
    afterEach(async () => {
      await a.close()
      await b.close()
      await fixture.cleanup()
    })

    it('refuses a second holder while the first is live, and takes all targets or none', async () => {
      const first = await acquireTargetLock(a, ['app:staff'], 'rb-1', 'alice')
      await expect(acquireTargetLock(b, ['app:inventory', 'app:staff'], 'rb-2', 'bob')).rejects.toThrow(RefusedError)
      expect(await b.db.selectFrom('locks').select('target').execute()).toEqual([{ target: 'app:staff' }])
      await first.release()
      const second = await acquireTargetLock(b, ['app:inventory', 'app:staff'], 'rb-2', 'bob')
      expect(second.token).toBeGreaterThan(first.token)
      await second.release()
    })

    it('fences a paused holder: once its lock expired and was taken over, it can no longer write', async () => {
      const paused = await acquireTargetLock(a, ['app:staff'], 'rb-paused', 'alice')
      // The holder stops renewing (paused, cut off): its lock runs out.
      await a.db
        .updateTable('locks')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .execute()
      const taker = await acquireTargetLock(b, ['app:staff'], 'rb-new', 'bob')
      await expect(a.writeTransaction((tx) => paused.assertHeld(tx))).rejects.toThrow(LockLostError)
      await b.writeTransaction((tx) => taker.assertHeld(tx))
      // The paused holder's release must not free the new holder's lock.
      await paused.release()
      expect(await b.db.selectFrom('locks').select('run_id').execute()).toEqual([{ run_id: 'rb-new' }])
      const takeover = (await listAudit(b.db)).find((e) => e.action === 'lock.takeover')
      expect(takeover?.details).toMatchObject({ previousRun: 'rb-paused', newRun: 'rb-new' })
      await taker.release()
    })
  })
}
