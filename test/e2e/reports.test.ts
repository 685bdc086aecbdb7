import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { declare } from '../reports/incident-fixture.js'

/**
 * incident show, incident postmortem and report compliance through the real CLI, over an incident declared
 * and recovered for real: staff v2 is broken, `incident declare` runs the performance_degradation runbook,
 * whose rollback of staff to its last known good v1 the on-call engineer approves; it runs and validates.
 */
let sp: SamplePlatform
let id: string
let approvalId: string

beforeAll(async () => {
  sp = await SamplePlatform.create()
  await sp.deploy('staff', 'v1')
  await sp.start(['staff'])
  expect((await sp.cli(['init'])).code).toBe(0)
  const snap = await sp.cli(['snapshot', 'create', 'staff', '--kind', 'pre-deploy'])
  expect(snap.code, snap.stderr).toBe(0)
  await sp.deploy('staff', 'v2', { healthy: false })
  const declared = await sp.cli([
    '--json',
    '--as',
    'alice',
    'incident',
    'declare',
    'performance_degradation',
    '--scope',
    'staff',
    '--reason',
    'staff p95 over 2 s after v2',
  ])
  // The clinic's decision matrix wants the on-call engineer's approval for it: the runbook waits (exit 3) until
  // someone else approves, and the approval runs its rollback.
  expect(declared.code, declared.stderr).toBe(3)
  const { incident, approval } = JSON.parse(declared.stdout)
  id = incident.id
  approvalId = approval.id
  const approved = await sp.cli(['--as', 'olga', 'approve', approval.id, '--reason', 'p95 confirmed on the dashboard'])
  expect(approved.code, approved.stderr).toBe(0)
  const resolved = await sp.cli(['--as', 'bob', 'incident', 'resolve', id, '--summary', 'v2 rolled back to v1; a slow query in v2'])
  expect(resolved.code, resolved.stderr).toBe(0)
}, 60_000)
afterAll(async () => {
  await sp?.destroy()
})

describe('reports through the CLI', () => {
  it('incident show: the incident, its timeline to the millisecond, and the recovery report', async () => {
    const json = await sp.cli(['--json', 'incident', 'show', id])
    expect(json.code, json.stderr).toBe(0)
    const { incident, timeline, recovery } = JSON.parse(json.stdout)
    expect(incident).toMatchObject({
      id,
      type: 'performance_degradation',
      status: 'resolved',
      scope: ['staff'],
      openedBy: 'alice',
      resolvedBy: 'bob',
    })
    expect(timeline[0]).toMatchObject({ kind: 'declared', actor: 'alice' })
    for (const e of timeline) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['runbook.started', 'approval.requested', 'runbook.finished', 'rollback.done', 'resolved']),
    )
    expect(recovery.apps).toEqual([
      expect.objectContaining({ app: 'staff', outcome: 'restored', from: { release: 'v2' }, to: { release: 'v1' } }),
    ])
    expect(recovery.recovered.basis).toBe('validation')
    expect(recovery.rto).toMatchObject({ objectiveMs: 15 * 60_000, verdict: 'met' })
    expect(recovery.recovered.timeToRecoverMs).toBeLessThan(30_000)

    const human = await sp.cli(['incident', 'show', id])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^incident: +inc-/)
    expect(human.stdout).toContain('TIMELINE')
    expect(human.stdout).toContain(timeline[0].at)
    expect(human.stdout).toMatch(/time to recover .*: RTO 15 min 0 s met/)
  })

  it('incident postmortem: the template filled from the timeline, to stdout, to a file, or as JSON', async () => {
    const md = await sp.cli(['incident', 'postmortem', id])
    expect(md.code, md.stderr).toBe(0)
    expect(md.stdout).toMatch(/^# Incident Post-Mortem: \d{4}-\d\d-\d\d - staff p95 over 2 s after v2\n/)
    expect(md.stdout.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## Summary',
      '## Timeline',
      '## Root Cause',
      '## What Went Well',
      '## What Could Be Improved',
      '## Action Items',
      '## Lessons Learned',
    ])
    expect(md.stdout).toContain('v2 rolled back to v1; a slow query in v2.')
    expect(md.stdout).toMatch(/- staff was restored to .* \(release v1\) and passed validation at /)
    expect(md.stdout).not.toContain('DRAFT')

    const file = join(sp.dir, 'postmortems', `${id}.md`)
    const written = await sp.cli(['incident', 'postmortem', id, '--output', file])
    expect(written.code, written.stderr).toBe(0)
    expect(written.stdout.trim()).toBe(`post-mortem of ${id} written to ${file}`)
    expect(await readFile(file, 'utf8')).toBe(md.stdout)
    expect((await stat(file)).mode & 0o777).toBe(0o640)

    const json = await sp.cli(['--json', 'incident', 'postmortem', id])
    expect(json.code, json.stderr).toBe(0)
    const { postmortem } = JSON.parse(json.stdout)
    expect(postmortem).toMatchObject({ incident: id, openNotice: null, rootCause: null, lessonsLearned: null })
    expect(postmortem.actionItems.at(-1).action).toBe(`Complete the root cause analysis of ${id} and record it in this post-mortem`)
  })

  it('a post-mortem of an open incident says it is a draft', async () => {
    const p = await withEnv(sp.env, () => openPlatform(sp.configFile))
    try {
      await declare(p, { id: 'inc-open', openedAt: new Date().toISOString() })
    } finally {
      await p.close()
    }
    const md = await sp.cli(['incident', 'postmortem', 'inc-open'])
    expect(md.code, md.stderr).toBe(0)
    expect(md.stdout.split('\n')[2]).toMatch(/^> \*\*DRAFT: incident inc-open is still open \(declared\)/)
  })

  it("report compliance: the recovery actions under the chain's verdict; exit 1 once an event is tampered with", async () => {
    const json = await sp.cli(['--json', 'report', 'compliance', '--since', '1h'])
    expect(json.code, json.stderr).toBe(0)
    const r = JSON.parse(json.stdout)
    expect(r.chain.ok).toBe(true)
    const actions = r.actions.map((a: { action: string }) => a.action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'incident.declared',
        'rollback.start',
        'rollback.app',
        'rollback.finish',
        'snapshot.create',
        'incident.resolved',
      ]),
    )
    expect(actions).not.toContain('platform.init')
    const start = r.actions.find((a: { action: string }) => a.action === 'rollback.start')
    // The rollback ran under the on-call engineer's approval, the time to decide reported against the target;
    // what led to it and followed it names the request; nothing broke the glass.
    expect(start.approvals).toMatch(new RegExp(`^${approvalId} approved by olga; decided in \\d+s \\(target 300s\\)$`))
    expect(
      r.actions.filter((a: { approvals: string }) => a.approvals !== 'none recorded').map((a: { action: string }) => a.action),
    ).toEqual([
      'approval.requested',
      'incident.approval.requested',
      'incident.runbook.step',
      'incident.runbook.finished',
      'approval.approved',
      'rollback.start',
      'approval.executed',
    ])
    for (const a of r.actions) expect(a.breakGlass).toBe('none recorded')
    expect(start.reason).toContain(id)

    const human = await sp.cli(['report', 'compliance'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^COMPLIANCE REPORT: platform \S+, recovery actions from the first event to now/)
    expect(human.stdout).toMatch(/audit chain intact: \d+ events/)
    expect(human.stdout).toMatch(/TIME +ACTOR +ACTION +TARGET +OUTCOME/)
    // The columns that do not fit 120 go on a line of their own under each action.
    expect(human.stdout).toMatch(/\n {2}APPROVALS: none recorded; BREAK-GLASS: none recorded; REASON: /)

    expect((await sp.cli(['--json', 'report', 'compliance', '--until', '2000-01-01'])).stdout).toContain('"actions": []')

    const p = await withEnv(sp.env, () => openPlatform(sp.configFile))
    let seq: number
    try {
      const row = await p.state.db
        .selectFrom('audit_events')
        .select('seq')
        .where('action', '=', 'rollback.finish')
        .executeTakeFirstOrThrow()
      seq = Number(row.seq)
      await p.state.db.updateTable('audit_events').set({ outcome: 'success', reason: 'rewritten' }).where('seq', '=', seq).execute()
    } finally {
      await p.close()
    }
    const broken = await sp.cli(['report', 'compliance'])
    expect(broken.code).toBe(1)
    expect(broken.stdout).toContain(`AUDIT CHAIN BROKEN at event ${seq}`)
    expect(broken.stdout).toContain('rollback.finish')
  })

  it('bad input exits 2 with a message naming what is wrong', async () => {
    const unknown = await sp.cli(['incident', 'show', 'inc-nope'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no incident "inc-nope"; `lastgood incident list` shows them')
    expect((await sp.cli(['incident', 'postmortem', 'inc-nope'])).code).toBe(2)
    const since = await sp.cli(['report', 'compliance', '--since', 'yesterday'])
    expect(since.code).toBe(2)
    expect(since.stderr).toContain(
      '--since: expected an ISO time such as 2026-11-26T04:00Z or a duration back from now such as 7d, got "yesterday"',
    )
    const window = await sp.cli(['report', 'compliance', '--since', '2026-03-02', '--until', '2026-03-01'])
    expect(window.code).toBe(2)
    expect(window.stderr).toContain('is after --until')
    expect((await sp.cli(['report', 'nonsense'])).code).toBe(2)
    expect((await sp.cli(['incident', 'show'])).code).toBe(2)
  })
})
