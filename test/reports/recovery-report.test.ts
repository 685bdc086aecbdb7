import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { requireIncident } from '../../src/recovery/incident-store.js'
import { buildPostMortem } from '../../src/recovery/postmortem.js'
import { renderPostMortem } from '../../src/recovery/postmortem-markdown.js'
import { buildRecoveryReport } from '../../src/recovery/recovery-report.js'
import { loadTimeline } from '../../src/recovery/timeline.js'
import { assertPostgresReachable, engines } from '../helpers/state-engines.js'
import { RecoveryPlatform } from '../recovery/recovery-platform.js'
import { declare, entry, iso, MIN, move, notification, resolve, rollbackRun, S, T0 } from './incident-fixture.js'

beforeAll(assertPostgresReachable)

const TEMPLATE_SECTIONS = [
  '## Summary',
  '## Timeline',
  '## Root Cause',
  '## What Went Well',
  '## What Could Be Improved',
  '## Action Items',
  '## Lessons Learned',
]
const sections = (md: string) => md.split('\n').filter((l) => l.startsWith('## '))
const section = (md: string, name: string) => md.split(`## ${name}\n`)[1]!.split('\n## ')[0]!.trim()
const EVIDENCE = 'ab'.repeat(32)

let rp: RecoveryPlatform | undefined
afterEach(async () => {
  await rp?.destroy()
  rp = undefined
})

describe.each(engines)('recovery report and post-mortem on $name', (engine) => {
  it('an incident that was just declared: empty facts, RTO pending, a post-mortem draft that says it is open', async () => {
    rp = await RecoveryPlatform.create(engine)
    const incident = await declare(rp.p, { id: 'inc-fresh' })
    const report = await buildRecoveryReport(rp.p, incident, { now: T0 + 5 * MIN })
    expect(report).toMatchObject({
      incident: 'inc-fresh',
      status: 'declared',
      apps: [],
      rollbacks: [],
      evidence: [],
      escalations: [],
      level: 0,
      continuity: [],
      notifications: [],
      times: { declared: iso(T0), mitigating: null, monitoring: null, resolved: null, recovered: null },
      recovered: { basis: null, timeToRecoverMs: null },
      rto: { objectiveMs: 15 * MIN, verdict: 'pending', deltaMs: -10 * MIN },
      runbook: { startedAt: null, finishedAt: null, outcome: null, steps: [] },
    })
    expect((await buildRecoveryReport(rp.p, incident, { now: T0 + 20 * MIN })).rto).toEqual({
      objectiveMs: 15 * MIN,
      verdict: 'missed',
      deltaMs: 5 * MIN,
    })

    const md = renderPostMortem(buildPostMortem(incident, await loadTimeline(rp.p.state.db, incident.id), report, T0 + 5 * MIN))
    expect(md.split('\n').slice(0, 3)).toEqual([
      '# Incident Post-Mortem: 2026-03-02 - staff returns 500 on every page',
      '',
      `> **DRAFT: incident inc-fresh is still open (declared); this post-mortem covers what was recorded up to ${iso(T0 + 5 * MIN)}.**`,
    ])
    expect(sections(md)).toEqual(TEMPLATE_SECTIONS)
    expect(section(md, 'Timeline').split('\n')).toEqual([
      '| Time | Action |',
      '|------|--------|',
      '| 2026-03-02T08:00:00.000Z | declared (alice): critical_application_failure declared: staff returns 500 on every page |',
    ])
    expect(section(md, 'Root Cause')).toMatch(/^\*\*\[TO BE COMPLETED BY THE TEAM\]\*\* /)
    expect(section(md, 'Lessons Learned')).toBe('**[TO BE COMPLETED BY THE TEAM]** Key takeaways and learnings.')
    expect(section(md, 'Action Items')).toBe(
      '- [ ] Complete the root cause analysis of inc-fresh and record it in this post-mortem - Owner: [Name] - Due: 2026-03-09',
    )
  })

  it('a recovery within the RTO: per-app results, key times, evidence, runbook, notifications; the post-mortem says what went well', async () => {
    rp = await RecoveryPlatform.create(engine)
    const p = rp.p
    const incident = await declare(p, { id: 'inc-ok' })
    await entry(p, 'inc-ok', T0, 'escalation', 'alice', 'level 1: declared', { level: 1 })
    await move(p, 'inc-ok', T0 + S + 1, 'declared', 'mitigating')
    await entry(p, 'inc-ok', T0 + 2 * S, 'runbook.started', 'runbook', 'runbook critical_application_failure started')
    await entry(p, 'inc-ok', T0 + 3 * S + 7, 'evidence', 'runbook', `evidence kept: sha256 ${EVIDENCE}`, {
      sha256: EVIDENCE,
      repositorySnapshot: 'evidence-inc-ok-1',
    })
    await entry(p, 'inc-ok', T0 + 4 * S, 'runbook.step', 'runbook', 'step 1 preserve evidence succeeded', {
      index: 1,
      kind: 'preserve_evidence',
      step: 'preserve evidence',
      outcome: 'succeeded',
      detail: 'manifest kept',
    })
    await entry(p, 'inc-ok', T0 + 5 * S, 'rollback.started', 'runbook', 'rollback of staff started', { run: 'rb-ok' })
    await rollbackRun(p, 'rb-ok', 'staff', T0 + 5 * S, T0 + 4 * MIN)
    await entry(p, 'inc-ok', T0 + 4 * MIN + 250, 'rollback.done', 'runbook', 'staff restored', { run: 'rb-ok', status: 'succeeded' })
    await entry(p, 'inc-ok', T0 + 4 * MIN + 260, 'runbook.step', 'runbook', 'step 2 rollback succeeded', {
      index: 2,
      kind: 'rollback',
      step: 'rollback',
      outcome: 'succeeded',
      detail: 'staff v2 → v1',
    })
    await entry(p, 'inc-ok', T0 + 4 * MIN + 270, 'runbook.finished', 'runbook', 'runbook succeeded', { outcome: 'succeeded' })
    await move(p, 'inc-ok', T0 + 4 * MIN + 300, 'mitigating', 'monitoring')
    await notification(p, incident, 'it-team', 'sent')
    await notification(p, incident, 'it-team', 'sent')
    const resolved = await resolve(p, 'inc-ok', T0 + 30 * MIN, 'bob')

    const report = await buildRecoveryReport(p, resolved)
    expect(report.times).toEqual({
      declared: iso(T0),
      mitigating: iso(T0 + S + 1),
      monitoring: iso(T0 + 4 * MIN + 300),
      resolved: iso(T0 + 30 * MIN),
      recovered: iso(T0 + 4 * MIN),
    })
    expect(report.recovered).toEqual({ basis: 'validation', timeToRecoverMs: 4 * MIN })
    expect(report.rto).toEqual({ objectiveMs: 15 * MIN, verdict: 'met', deltaMs: -11 * MIN })
    expect(report.apps).toEqual([
      {
        app: 'staff',
        run: 'rb-ok',
        outcome: 'restored',
        from: { release: 'v2' },
        to: { release: 'v1' },
        target: 'staff-good',
        startedAt: iso(T0 + 5 * S),
        validatedAt: iso(T0 + 4 * MIN),
        error: null,
      },
    ])
    expect(report.rollbacks).toEqual([
      {
        run: 'rb-ok',
        status: 'succeeded',
        actor: 'runbook',
        reason: 'incident recovery',
        startedAt: iso(T0 + 5 * S),
        endedAt: iso(T0 + 4 * MIN),
      },
    ])
    expect(report.evidence).toEqual([
      { at: iso(T0 + 3 * S + 7), actor: 'runbook', message: `evidence kept: sha256 ${EVIDENCE}`, hash: EVIDENCE, ref: 'evidence-inc-ok-1' },
    ])
    expect(report.escalations).toEqual([{ level: 1, at: iso(T0), actor: 'alice', message: 'level 1: declared' }])
    expect(report.notifications).toEqual([{ channel: 'it-team', sent: 2, failed: 0, pending: 0, lastError: null }])
    expect(report.runbook).toMatchObject({ startedAt: iso(T0 + 2 * S), finishedAt: iso(T0 + 4 * MIN + 270), outcome: 'succeeded' })
    expect(report.runbook.steps.map((s) => `${s.index} ${s.name} ${s.outcome}`)).toEqual([
      '1 preserve evidence succeeded',
      '2 rollback succeeded',
    ])

    const timeline = await loadTimeline(p.state.db, 'inc-ok')
    const pm = buildPostMortem(resolved, timeline, report)
    const md = renderPostMortem(pm)
    expect(md.startsWith('# Incident Post-Mortem: 2026-03-02 - staff returns 500 on every page\n\n## Summary\n')).toBe(true)
    expect(sections(md)).toEqual(TEMPLATE_SECTIONS)
    // Every timeline entry is a row, in order, to the millisecond.
    const rows = section(md, 'Timeline').split('\n').slice(2)
    expect(rows).toHaveLength(timeline.length)
    expect(rows.map((r) => r.split(' | ')[0]!.slice(2))).toEqual(timeline.map((e) => e.at))
    expect(rows[2]).toBe('| 2026-03-02T08:00:01.001Z | status (runbook): declared → mitigating |')
    expect(rows.at(-1)).toBe('| 2026-03-02T08:30:00.000Z | resolved (bob): service restored and watched |')
    expect(section(md, 'Summary')).toContain(
      'Rolled back and validated: staff to staff-good (release v1). Recovered 4m after the declaration (last app validated), within the 15m RTO.',
    )
    expect(section(md, 'Summary')).toContain('Resolved at 2026-03-02T08:30:00.000Z by bob.')
    expect(section(md, 'What Went Well').split('\n')).toEqual([
      '- Recovered in 4m, 11m inside the 15m RTO.',
      '- staff was restored to staff-good (release v1) and passed validation at 2026-03-02T08:04:00.000Z.',
      '- The runbook completed: 2 step(s), none failed.',
      `- Evidence was preserved with a content hash (${EVIDENCE.slice(0, 16)}).`,
      '- Every notification that was due was delivered (it-team: 2).',
      '- Handled at escalation level 1, without escalating further.',
    ])
    expect(section(md, 'What Could Be Improved')).toMatch(/^- \*\*\[TO BE COMPLETED BY THE TEAM\]\*\* lastgood recorded no failure/)
    // Due a week after the resolution.
    expect(section(md, 'Action Items')).toBe(
      '- [ ] Complete the root cause analysis of inc-ok and record it in this post-mortem - Owner: [Name] - Due: 2026-03-09',
    )
    expect(md).not.toContain('DRAFT')
  })

  it('a recovery that missed the RTO: failed steps, given-up notifications, a continuity breach and level 3 become findings and action items', async () => {
    rp = await RecoveryPlatform.create(engine)
    const p = rp.p
    const incident = await declare(p, { id: 'inc-bad', severity: 'critical' })
    await entry(p, 'inc-bad', T0, 'escalation', 'monitor', 'level 1', { level: 1 })
    await move(p, 'inc-bad', T0 + S, 'declared', 'mitigating')
    await entry(p, 'inc-bad', T0 + 2 * S, 'runbook.step', 'runbook', 'step 1 isolate failed: firewall | unreachable', {
      index: 1,
      kind: 'hook',
      step: 'isolate',
      outcome: 'failed',
      detail: 'exit code 1: firewall | unreachable',
    })
    await entry(p, 'inc-bad', T0 + MIN, 'rollback.started', 'runbook', 'rollback of staff started', { run: 'rb-bad-1' })
    await rollbackRun(p, 'rb-bad-1', 'staff', T0 + MIN, null)
    await entry(p, 'inc-bad', T0 + 3 * MIN, 'rollback.done', 'runbook', 'staff reverted', { run: 'rb-bad-1' })
    await entry(p, 'inc-bad', T0 + 15 * MIN, 'escalation', 'monitor', 'level 2', { level: 2 })
    await entry(p, 'inc-bad', T0 + 16 * MIN, 'rollback.started', 'carol', 'manual rollback of staff', { run: 'rb-bad-2' })
    await rollbackRun(p, 'rb-bad-2', 'staff', T0 + 16 * MIN, T0 + 20 * MIN)
    await move(p, 'inc-bad', T0 + 20 * MIN + 5, 'mitigating', 'monitoring')
    await entry(p, 'inc-bad', T0 + 30 * MIN, 'escalation', 'monitor', 'level 3', { level: 3 })
    await p.state.db
      .insertInto('continuity_activations')
      .values({
        id: 'cont-1',
        plan: 'patient-check-in',
        reason: 'staff down',
        down_apps: '["staff"]',
        started_at: iso(T0),
        breached_at: iso(T0 + 15 * MIN),
        ended_at: iso(T0 + 20 * MIN),
        incident_id: 'inc-bad',
      })
      .execute()
    await notification(p, incident, 'management', 'failed', 'HTTP 410 gone')
    await notification(p, incident, 'it-team', 'sent')
    await notification(p, incident, 'it-team', 'pending', 'connect ECONNREFUSED')
    const now = await requireIncident(p.state.db, 'inc-bad')

    const report = await buildRecoveryReport(p, now, { now: T0 + 40 * MIN })
    // The latest attempt of each app counts: the second run restored staff.
    expect(report.recovered).toEqual({ basis: 'validation', timeToRecoverMs: 20 * MIN })
    expect(report.rto).toEqual({ objectiveMs: 15 * MIN, verdict: 'missed', deltaMs: 5 * MIN })
    expect(report.apps.map((a) => `${a.run} ${a.outcome} ${a.validatedAt}`)).toEqual([
      'rb-bad-1 reverted null',
      `rb-bad-2 restored ${iso(T0 + 20 * MIN)}`,
    ])
    expect(report.level).toBe(3)
    expect(report.continuity).toEqual([
      {
        plan: 'patient-check-in',
        function: 'Patient Check-in',
        fallback: 'Paper-based check-in forms',
        maxDowntimeMs: 15 * MIN,
        reason: 'staff down',
        downApps: ['staff'],
        activatedAt: iso(T0),
        breachedAt: iso(T0 + 15 * MIN),
        endedAt: iso(T0 + 20 * MIN),
      },
    ])
    expect(report.notifications).toEqual([
      { channel: 'it-team', sent: 1, failed: 0, pending: 1, lastError: 'connect ECONNREFUSED' },
      { channel: 'management', sent: 0, failed: 1, pending: 0, lastError: 'HTTP 410 gone' },
    ])

    const md = renderPostMortem(buildPostMortem(now, await loadTimeline(p.state.db, 'inc-bad'), report, T0 + 40 * MIN))
    expect(md).toContain(
      `> **DRAFT: incident inc-bad is still open (monitoring); this post-mortem covers what was recorded up to ${iso(T0 + 40 * MIN)}.**`,
    )
    expect(section(md, 'What Could Be Improved').split('\n')).toEqual([
      '- Recovery took 20m, 5m over the 15m RTO.',
      '- Rollback rb-bad-1 of staff ended reverted: validation failed: 0 consecutive passes.',
      '- Runbook step 1 (isolate) failed: exit code 1: firewall | unreachable.',
      '- Notifications to management: 1 given up (last error: HTTP 410 gone).',
      '- Continuity plan patient-check-in (Patient Check-in) breached its maximum downtime of 15m at 2026-03-02T08:15:00.000Z.',
      '- Escalated to level 3 at 2026-03-02T08:30:00.000Z, 30m after the declaration.',
    ])
    // An open incident: its actions are due a week after the draft.
    expect(section(md, 'Action Items').split('\n')).toEqual([
      '- [ ] Find which steps made recovery take longer than the 15m RTO and shorten them (a drill measures it) - Owner: [Name] - Due: 2026-03-09',
      '- [ ] Find why the rollback of staff (rb-bad-1) ended reverted and fix it - Owner: [Name] - Due: 2026-03-09',
      '- [ ] Fix runbook step 1 (isolate) so it succeeds next time - Owner: [Name] - Due: 2026-03-09',
      '- [ ] Repair the management channel and test it (the people it should have told were not told) - Owner: [Name] - Due: 2026-03-09',
      '- [ ] Review continuity plan patient-check-in: its fallback, its maximum downtime and the recovery priority of staff - Owner: [Name] - Due: 2026-03-09',
      '- [ ] Find why inc-bad needed escalation level 3 and what would have resolved it at level 1 - Owner: [Name] - Due: 2026-03-09',
      '- [ ] Complete the root cause analysis of inc-bad and record it in this post-mortem - Owner: [Name] - Due: 2026-03-09',
    ])
    // A pipe in a message stays inside its table cell.
    expect(md).toContain('| 2026-03-02T08:00:02.000Z | runbook.step (runbook): step 1 isolate failed: firewall \\| unreachable |')
  })

  it('a relapse from monitoring back to mitigating is not a recovery; a resolution without monitoring is', async () => {
    rp = await RecoveryPlatform.create(engine)
    const p = rp.p
    await declare(p, { id: 'inc-relapse' })
    await move(p, 'inc-relapse', T0 + MIN, 'declared', 'mitigating')
    await move(p, 'inc-relapse', T0 + 2 * MIN, 'mitigating', 'monitoring')
    await move(p, 'inc-relapse', T0 + 3 * MIN, 'monitoring', 'mitigating')
    const relapsed = await buildRecoveryReport(p, await requireIncident(p.state.db, 'inc-relapse'), { now: T0 + 4 * MIN })
    expect(relapsed.times.monitoring).toBeNull()
    expect(relapsed.recovered).toEqual({ basis: null, timeToRecoverMs: null })
    await move(p, 'inc-relapse', T0 + 6 * MIN, 'mitigating', 'monitoring')
    expect((await buildRecoveryReport(p, await requireIncident(p.state.db, 'inc-relapse'))).recovered).toEqual({
      basis: 'monitoring',
      timeToRecoverMs: 6 * MIN,
    })

    await declare(p, { id: 'inc-false-alarm' })
    const resolved = await resolve(p, 'inc-false-alarm', T0 + 2 * MIN, 'alice')
    expect((await buildRecoveryReport(p, resolved)).recovered).toEqual({ basis: 'resolution', timeToRecoverMs: 2 * MIN })
  })

  it('apps the recover step handled without a run (already healthy, or no target) are per-app results too', async () => {
    rp = await RecoveryPlatform.create(engine)
    const p = rp.p
    const incident = await declare(p, { id: 'inc-recover', type: 'complete_system_failure', scope: ['staff', 'inventory', 'handouts'] })
    await entry(p, 'inc-recover', T0 + S, 'rollback.started', 'runbook', 'recovering staff, inventory, handouts in priority order', {
      apps: ['staff', 'inventory', 'handouts'],
      target: null,
    })
    await entry(p, 'inc-recover', T0 + 2 * S, 'recovery.app', 'runbook', 'staff already-healthy', {
      app: 'staff',
      outcome: 'already-healthy',
      target: 'staff-good',
      run: null,
      startedAt: iso(T0 + S),
      validatedAt: iso(T0 + 2 * S),
      error: null,
    })
    await rollbackRun(p, 'rb-inv', 'inventory', T0 + 3 * S, T0 + MIN)
    await entry(p, 'inc-recover', T0 + MIN, 'recovery.app', 'runbook', 'inventory restored', {
      app: 'inventory',
      outcome: 'restored',
      target: 'inventory-good',
      run: 'rb-inv',
      startedAt: iso(T0 + 3 * S),
      validatedAt: iso(T0 + MIN),
      error: null,
    })
    await entry(p, 'inc-recover', T0 + MIN + S, 'recovery.app', 'runbook', 'handouts failed', {
      app: 'handouts',
      outcome: 'failed',
      target: null,
      run: null,
      startedAt: iso(T0 + MIN),
      validatedAt: null,
      error: 'no known good snapshot of handouts',
    })
    const report = await buildRecoveryReport(p, incident, { now: T0 + 2 * MIN })
    expect(report.apps.map((a) => `${a.app} ${a.run} ${a.outcome} ${a.validatedAt}`)).toEqual([
      `staff null already-healthy ${iso(T0 + 2 * S)}`,
      `inventory rb-inv restored ${iso(T0 + MIN)}`,
      'handouts null failed null',
    ])
    expect(report.recovered.timeToRecoverMs).toBeNull()
    const pm = buildPostMortem(incident, await loadTimeline(p.state.db, 'inc-recover'), report, T0 + 2 * MIN)
    expect(pm.couldBeImproved).toEqual(['Recovery of handouts ended failed: no known good snapshot of handouts.'])
    expect(pm.wentWell).toContain("staff was found healthy on its target's versions: nothing had to be restored.")
  })
})
