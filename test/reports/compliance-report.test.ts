import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadCheckpoints } from '../../src/audit/audit-checkpoint.js'
import { appendAudit } from '../../src/audit/audit-log.js'
import { buildComplianceReport } from '../../src/audit/compliance-report.js'
import { parseTimeOption } from '../../src/cli/parse-time.js'
import { UserError } from '../../src/core/errors.js'
import type { Platform } from '../../src/platform/platform.js'
import { assertPostgresReachable, engines } from '../helpers/state-engines.js'
import { RecoveryPlatform } from '../recovery/recovery-platform.js'
import { declare, entry, T0 } from './incident-fixture.js'

beforeAll(assertPostgresReachable)

let rp: RecoveryPlatform | undefined
afterEach(async () => {
  await rp?.destroy()
  rp = undefined
})

/** A gap in the wall clock between two appends, so a window can fall between them. */
async function instant(): Promise<string> {
  await sleep(5)
  const at = new Date().toISOString()
  await sleep(5)
  return at
}

async function someHistory(p: Platform): Promise<{ between: string }> {
  await appendAudit(p.state, {
    actor: 'ci',
    action: 'snapshot.create',
    target: 'staff',
    outcome: 'success',
    details: { snapshot: 's1', kind: 'pre-deploy' },
  })
  await appendAudit(p.state, {
    actor: 'alice',
    action: 'rollback.start',
    target: 'staff',
    reason: 'v2 is broken',
    outcome: 'started',
    details: { run: 'rb-1' },
  })
  await appendAudit(p.state, {
    actor: 'alice',
    action: 'snapshot.create',
    target: 'staff',
    reason: 'before rollback rb-1',
    outcome: 'success',
    details: { snapshot: 's2', kind: 'safety' },
  })
  await appendAudit(p.state, {
    actor: 'alice',
    action: 'rollback.finish',
    target: 'staff',
    reason: 'v2 is broken',
    outcome: 'success',
    details: { run: 'rb-1' },
  })
  await appendAudit(p.state, {
    actor: 'alice',
    action: 'release.reject',
    target: 'staff',
    reason: 'v2 is broken',
    outcome: 'success',
    details: { run: 'rb-1', release: 'v2' },
  })
  const between = await instant()
  await appendAudit(p.state, {
    actor: 'monitor',
    action: 'monitor.trigger.firing',
    target: 'staff',
    reason: 'health failed 3 times',
    outcome: 'success',
  })
  await appendAudit(p.state, {
    actor: 'monitor',
    action: 'monitor.decision',
    target: 'staff',
    reason: 'rollback: trigger health rolls back automatically',
    outcome: 'success',
  })
  await declare(p, { id: 'inc-1', openedAt: new Date().toISOString() })
  await entry(p, 'inc-1', Date.now(), 'evidence', 'runbook', 'evidence kept', { sha256: 'ab'.repeat(32) })
  await appendAudit(p.state, {
    actor: 'runbook',
    action: 'snapshot.create',
    target: 'staff',
    reason: 'evidence of incident inc-1',
    outcome: 'success',
    details: { snapshot: 's3', kind: 'emergency' },
  })
  await appendAudit(p.state, {
    actor: 'bob',
    action: 'drill.result',
    target: 'health',
    reason: 'the release stops answering',
    outcome: 'success',
    details: { withinRto: true },
  })
  return { between }
}

describe.each(engines)('compliance report on $name', (engine) => {
  it('lists every recovery action and nothing else, with approvals and break-glass stated as none recorded, under an intact chain', async () => {
    rp = await RecoveryPlatform.create(engine)
    await someHistory(rp.p)
    const r = await buildComplianceReport(rp.p.state.db, { platform: 'test', checkpoints: await loadCheckpoints(rp.p.repository) })
    expect(r.chain).toMatchObject({ ok: true, checkpoints: { problems: [] } })
    expect(r.chain.checkpoints!.count).toBeGreaterThanOrEqual(1)
    expect(r.actions.map((a) => `${a.actor} ${a.action} ${a.target} ${a.outcome}`)).toEqual([
      'alice rollback.start staff started',
      'alice snapshot.create staff success',
      'alice rollback.finish staff success',
      'alice release.reject staff success',
      'monitor monitor.decision staff success',
      'alice incident.declared inc-1 success',
      'runbook incident.evidence inc-1 success',
      'runbook snapshot.create staff success',
      'bob drill.result health success',
    ])
    expect(r.actions[0]).toMatchObject({
      reason: 'v2 is broken',
      approvals: 'none recorded',
      breakGlass: 'none recorded',
      details: { run: 'rb-1' },
    })
    for (const a of r.actions) expect(Date.parse(a.at)).not.toBeNaN()
  })

  it('--since and --until select the window; the chain verdict is of the whole chain', async () => {
    rp = await RecoveryPlatform.create(engine)
    const { between } = await someHistory(rp.p)
    const after = await buildComplianceReport(rp.p.state.db, { platform: 'test', since: between })
    expect(after.window).toEqual({ since: between, until: null })
    expect(after.actions.map((a) => a.action)).toEqual([
      'monitor.decision',
      'incident.declared',
      'incident.evidence',
      'snapshot.create',
      'drill.result',
    ])
    const before = await buildComplianceReport(rp.p.state.db, { platform: 'test', until: between })
    expect(before.actions.map((a) => a.action)).toEqual(['rollback.start', 'snapshot.create', 'rollback.finish', 'release.reject'])
    expect(before.chain.events).toBe(after.chain.events)
  })

  it('names the first tampered event and still lists the actions', async () => {
    rp = await RecoveryPlatform.create(engine)
    await someHistory(rp.p)
    const target = await rp.p.state.db
      .selectFrom('audit_events')
      .select('seq')
      .where('action', '=', 'rollback.finish')
      .executeTakeFirstOrThrow()
    await rp.p.state.db.updateTable('audit_events').set({ reason: 'nothing happened' }).where('seq', '=', target.seq).execute()
    const r = await buildComplianceReport(rp.p.state.db, { platform: 'test' })
    expect(r.chain.ok).toBe(false)
    expect(r.chain.firstBad).toMatchObject({ seq: Number(target.seq) })
    expect(r.chain.firstBad!.problem).toContain('changed after it was written')
    expect(r.actions.find((a) => a.action === 'rollback.finish')!.reason).toBe('nothing happened')
    expect(r.actions).toHaveLength(9)
  })
})

describe('--since / --until times', () => {
  const now = T0
  it('take ISO times and durations back from now', () => {
    expect(parseTimeOption('--since', '7d', now)).toBe('2026-02-23T08:00:00.000Z')
    expect(parseTimeOption('--since', '1h30m', now)).toBe('2026-03-02T06:30:00.000Z')
    expect(parseTimeOption('--until', '2026-03-01', now)).toBe('2026-03-01T00:00:00.000Z')
    expect(parseTimeOption('--since', '2026-03-01T04:00Z', now)).toBe('2026-03-01T04:00:00.000Z')
  })
  it('refuse anything else, naming the option and both accepted forms', () => {
    expect(() => parseTimeOption('--until', 'last tuesday', now)).toThrow(UserError)
    expect(() => parseTimeOption('--until', '7 days', now)).toThrow(
      '--until: expected an ISO time such as 2026-11-26T04:00Z or a duration back from now such as 7d, got "7 days"',
    )
  })
})
