import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { hashEvent } from '../../src/audit/audit-event.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import type { AuditEventTable } from '../../src/state/schema.js'
import { singleAppConfig } from '../helpers/configs.js'

let p: SamplePlatform | undefined
afterEach(async () => {
  await p?.destroy()
  p = undefined
})

type Row = AuditEventTable

/** A consistent fake history, as someone who can write state.db but holds no repository key could make. */
function rehashAll(db: Database.Database, edit: (r: Row) => void): void {
  const rows = db.prepare('select * from audit_events order by seq').all() as Row[]
  const update = db.prepare(
    'update audit_events set actor = @actor, reason = @reason, prev_hash = @prev_hash, hash = @hash where seq = @seq',
  )
  let prev = '0'.repeat(64)
  for (const r of rows) {
    if (r.seq === 1) edit(r)
    r.prev_hash = prev
    r.hash = hashEvent({
      seq: r.seq,
      ts: r.ts,
      actor: r.actor,
      action: r.action,
      target: r.target,
      reason: r.reason,
      outcome: r.outcome,
      details: JSON.parse(r.details),
      prevHash: prev,
    })
    update.run(r)
    prev = r.hash
  }
}

describe('audit checkpoints through the CLI', () => {
  it('case 11: a truncated tail, then a fully rehashed chain, are found by audit verify (exit 1)', async () => {
    p = await SamplePlatform.create({ configText: singleAppConfig() })
    await p.deploy('staff', 'v1', { healthy: true })
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)
    for (let i = 0; i < 3; i++) expect((await p.cli(['snapshot', 'create', 'staff', '--reason', `n${i}`])).code).toBe(0)

    const intact = await p.cli(['--json', 'audit', 'verify'])
    expect(intact.code, intact.stderr).toBe(0)
    const report = JSON.parse(intact.stdout)
    const head = report.events as number
    expect(report.checkpoints).toMatchObject({ count: 4, latest: { seq: head }, problems: [] })
    // Read-only commands write no checkpoint.
    expect(JSON.parse((await p.cli(['--json', 'audit', 'verify'])).stdout).checkpoints.count).toBe(4)

    const db = new Database(join(p.dir, '.lastgood/state.db'))
    try {
      db.prepare('delete from audit_events where seq > ?').run(head - 2)
      const truncated = await p.cli(['audit', 'verify'])
      expect(truncated.code).toBe(1)
      expect(truncated.stdout).toContain('AUDIT CHAIN FAILS ITS CHECKPOINTS')
      expect(truncated.stdout).toMatch(
        new RegExp(`the chain ends at event ${head - 2} but a checkpoint of \\S+ saw event ${head}: the tail was truncated`),
      )

      rehashAll(db, (r) => {
        r.actor = 'mallory'
      })
      const rewritten = await p.cli(['--json', 'audit', 'verify'])
      expect(rewritten.code).toBe(1)
      const json = JSON.parse(rewritten.stdout)
      expect(json.firstBad).toBeUndefined()
      expect(json.checkpoints.problems.map((x: { message: string }) => x.message)).toEqual([
        expect.stringMatching(/^event 1 differs from the checkpoint of \S+: the chain was rewritten$/),
        expect.stringMatching(/the tail was truncated$/),
      ])
    } finally {
      db.close()
    }
  })
})
