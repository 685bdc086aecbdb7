import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditEvent } from '../../../src/audit/audit-event.js'
import { appendAudit, listAudit, toRow } from '../../../src/audit/audit-log.js'
import { PACKAGE_ROOT } from '../../../src/core/package-root.js'
import { verifyAudit } from '../../../src/audit/verify-audit.js'
import { registerSecret } from '../../../src/core/redact.js'
import type { State } from '../../../src/state/open-state.js'
import type { Engine, StateFixture } from '../../helpers/state-engines.js'
import { appendEvents } from './append-events.js'

/** What the hash-chained audit log promises on every engine: appends chain, and verify finds every change. */
export function auditChainCases(engine: Engine): void {
  describe('hash-chained audit log (RELIABILITY case 11)', () => {
    let fixture: StateFixture
    let state: State
    beforeEach(async () => {
      fixture = await engine.fixture()
      state = await fixture.open()
    })
    afterEach(async () => {
      await state.close()
      await fixture.cleanup()
    })

    const appendN = (n: number) => appendEvents(state, n)

    it('verifies a chain written by lastgood 0.1.0, before identities were recorded, and still finds an edit in it', async () => {
      // `audit export` of a 0.1.0 platform: init, snapshots, a mark-good, an incident with its runbook, rollbacks.
      const text = await readFile(join(PACKAGE_ROOT, 'test/fixtures/audit-chain-0.1.0.jsonl'), 'utf8')
      const events = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as AuditEvent)
      await state.writeTransaction(async (tx) => {
        for (const e of events) await tx.insertInto('audit_events').values(toRow(e)).execute()
      })
      expect(await verifyAudit(state.db)).toMatchObject({ ok: true, events: events.length })
      // New events chain onto it, with what this release records of who acted.
      await appendAudit(state, {
        actor: 'ann',
        action: 'test.after-upgrade',
        target: 'web',
        outcome: 'success',
        details: { auth: { method: 'token' } },
      })
      expect(await verifyAudit(state.db)).toMatchObject({ ok: true, events: events.length + 1 })
      await state.db.updateTable('audit_events').set({ reason: 'edited later' }).where('seq', '=', 3).execute()
      expect(await verifyAudit(state.db)).toMatchObject({ ok: false, firstBad: { seq: 3 } })
    })

    it('verifies an intact chain', async () => {
      await appendN(5)
      expect(await verifyAudit(state.db)).toMatchObject({ ok: true, events: 5 })
    })

    it('finds the first edited event, whichever field was edited', async () => {
      await appendN(6)
      for (const [column, value] of [
        ['actor', 'mallory'],
        ['reason', 'nothing'],
        ['outcome', 'failure'],
        ['details', '{"i":99}'],
        ['ts', '2020-01-01T00:00:00.000Z'],
      ] as const) {
        const original = await state.db.selectFrom('audit_events').select(column).where('seq', '=', 4).executeTakeFirstOrThrow()
        await state.db
          .updateTable('audit_events')
          .set({ [column]: value })
          .where('seq', '=', 4)
          .execute()
        const report = await verifyAudit(state.db)
        expect(report.ok).toBe(false)
        expect(report.firstBad?.seq).toBe(4)
        await state.db.updateTable('audit_events').set(original).where('seq', '=', 4).execute()
      }
      expect((await verifyAudit(state.db)).ok).toBe(true)
    })

    it('finds an event edited together with its own hash, at the event after it', async () => {
      await appendN(4)
      await state.db
        .updateTable('audit_events')
        .set({ reason: 'rewritten', hash: 'f'.repeat(64) })
        .where('seq', '=', 2)
        .execute()
      expect((await verifyAudit(state.db)).firstBad?.seq).toBe(2)
    })

    it('finds removed and reordered events', async () => {
      await appendN(5)
      await state.db.deleteFrom('audit_events').where('seq', '=', 3).execute()
      expect(await verifyAudit(state.db)).toMatchObject({ ok: false, firstBad: { seq: 3 } })
    })

    it('finds any swap of two events (property)', async () => {
      await appendN(8)
      const rows = await state.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), async (a, b) => {
          fc.pre(a !== b)
          const ra = rows[a - 1]!
          const rb = rows[b - 1]!
          await state.db
            .updateTable('audit_events')
            .set({ ...rb, seq: a })
            .where('seq', '=', a)
            .execute()
          await state.db
            .updateTable('audit_events')
            .set({ ...ra, seq: b })
            .where('seq', '=', b)
            .execute()
          const report = await verifyAudit(state.db)
          await state.db.updateTable('audit_events').set(ra).where('seq', '=', a).execute()
          await state.db.updateTable('audit_events').set(rb).where('seq', '=', b).execute()
          expect(report.ok).toBe(false)
          expect(report.firstBad?.seq).toBe(Math.min(a, b))
        }),
        { numRuns: 30 },
      )
    })

    it('never stores a secret: passphrases, tokens and URL credentials are redacted before hashing (case 14)', async () => {
      registerSecret('hunter2-passphrase')
      await appendAudit(state, {
        actor: 'alice',
        action: 'x',
        target: 'https://admin:s3cret@db.internal/x',
        reason: 'password=hunter2-passphrase',
        outcome: 'success',
        details: { url: 'postgres://u:pw@host/db', header: 'Bearer abcdefghijklmnop', note: 'hunter2-passphrase' },
      })
      const [e] = await listAudit(state.db)
      const text = JSON.stringify(e)
      for (const secret of ['s3cret', 'hunter2-passphrase', 'pw@', 'abcdefghijklmnop']) expect(text).not.toContain(secret)
      expect((await verifyAudit(state.db)).ok).toBe(true)
    })

    it('chains appends from several connections without forking the chain', async () => {
      const others = await Promise.all([fixture.open(), fixture.open(), fixture.open()])
      await Promise.all(
        others.flatMap((s, k) =>
          Array.from({ length: 10 }, (_, i) => appendAudit(s, { actor: `p${k}`, action: 'x', target: String(i), outcome: 'success' })),
        ),
      )
      await Promise.all(others.map((s) => s.close()))
      expect(await verifyAudit(state.db)).toMatchObject({ ok: true, events: 30 })
    })
  })
}
