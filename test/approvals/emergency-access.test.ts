import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireApproval } from '../../src/approvals/approval-store.js'
import { requestOrProceed, reviewFlaggedRun } from '../../src/approvals/gate.js'
import { closeReview, listReviews } from '../../src/approvals/reviews.js'
import { listAudit } from '../../src/audit/audit-log.js'
import type { Identity } from '../../src/auth/identity.js'
import { UserError } from '../../src/core/errors.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { selectApps, type Platform } from '../../src/platform/platform.js'
import { RecoveryScheduler } from '../../src/recovery/recovery-scheduler.js'
import { findIncident } from '../../src/recovery/incident-store.js'
import { openIncidentIn } from '../../src/recovery/open-incident.js'
import type { Scenario } from '../../src/config-parts/decision-vocabulary.js'
import { decidePlan } from '../../src/rollback/plan-decision.js'
import { planRollback } from '../../src/rollback/plan-rollback.js'
import { runRollback } from '../../src/rollback/run-rollback.js'
import { approvalConfig } from '../../src/demo/approval-config.js'

/**
 * What runs without an approval, and what happens to one nobody decides, with a clock the test moves: a
 * break-glass grant lasts its hour and no longer; a run of the matrix's flagged (emergency) row is reviewed by
 * someone else; an undecided request is escalated at its target time by the recovery scheduler's tick. The
 * refusals of break-glass itself (no reason, no permission) are in approval-cli.test.ts.
 */

const person = (subject: string, role: string): Identity => ({ subject, method: 'password', role })
const ann = person('ann', 'operator')
const lee = person('lee', 'team-lead')
const tom = person('tom', 'team-lead')
const MIN = 60_000

let sp: SamplePlatform
let p: Platform
let t = Date.parse('2031-03-01T08:00:00Z')
const clock = { now: () => t }

beforeAll(async () => {
  // Webhooks to a closed port: messages are only queued here, never delivered (no outbox runs).
  sp = await SamplePlatform.create({ configText: approvalConfig('http://127.0.0.1:9') })
  await sp.deploy('staff', 'v1')
  await sp.start(['staff'])
  expect((await sp.cli(['init'])).code).toBe(0)
  expect((await sp.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  await sp.deploy('staff', 'v2')
  p = await withEnv(sp.env, () => openPlatform(sp.configFile))
}, 60_000)

afterAll(async () => {
  await p?.close()
  await sp?.destroy()
})

/** The gate's answer for a rollback of staff in `scenario` by `who`, as the rollback command asks it. */
async function gate(who: Identity, o: { scenario?: Scenario; breakGlass?: boolean; reason?: string } = {}) {
  const plan = await planRollback(p, { apps: selectApps(p.config, ['staff']), signal: new AbortController().signal })
  const decision = decidePlan(p.config, plan, { by: 'person', ...(o.scenario ? { scenario: o.scenario } : {}) })
  const reason = o.reason ?? 'staff v2 is broken'
  const outcome = await requestOrProceed(
    p,
    who,
    { plan, decision, ask: { apps: ['staff'] }, reason, ...(o.breakGlass ? { breakGlass: true } : {}) },
    clock,
  )
  return { plan, decision, reason, outcome }
}

const audited = async (action: string) => (await listAudit(p.state.db)).filter((e) => e.action === action)
const queued = (kind: string) =>
  p.state.db.selectFrom('notifications').select(['channel', 'kind']).where('kind', '=', kind).orderBy('channel').execute()

describe('emergency access', () => {
  it('a break-glass grant covers its hour; after it an action needing approval is a request and break-glass.expired is audited', async () => {
    const opened = await gate(lee, { breakGlass: true, reason: 'patients cannot check in' })
    expect(opened.outcome).toMatchObject({ kind: 'proceed', authority: { breakGlass: true }, review: { kind: 'break-glass' } })
    if (opened.outcome.kind !== 'proceed') throw new Error('expected the rollback to run under a grant')
    const grant = opened.outcome.authority as { grant: string; grantExpiresAt: string }
    expect(grant.grantExpiresAt).toBe(new Date(t + 60 * MIN).toISOString())

    // Within the hour the actor's actions on these apps need no approval, without asking for the glass again.
    t += 59 * MIN
    expect((await gate(lee)).outcome).toEqual({ kind: 'proceed', authority: { breakGlass: true, ...grant } })
    expect(await audited('break-glass.expired')).toHaveLength(0)

    t += 2 * MIN
    const after = await gate(lee)
    expect(after.outcome).toMatchObject({ kind: 'requested', approval: { requester: 'lee', status: 'pending' } })
    const [expired] = await audited('break-glass.expired')
    expect(expired).toMatchObject({
      actor: 'lee',
      outcome: 'refused',
      target: 'staff',
      details: { grant: grant.grant, expiredAt: grant.grantExpiresAt, auth: { method: 'password', subject: 'lee' } },
    })
    // Someone else's grant never covered ann: hers is a plain request, with nothing expired to record.
    expect((await gate(ann)).outcome.kind).toBe('requested')
    expect(await audited('break-glass.expired')).toHaveLength(1)
  })

  it('runs the flagged emergency row at once and opens an emergency review that only another holder of review closes, with a note', async () => {
    const { plan, decision, reason, outcome } = await gate(lee, { scenario: 'emergency' })
    expect(decision).toMatchObject({ scenario: 'emergency', flagged: true, approval: { required: false } })
    expect(outcome).toEqual({ kind: 'proceed', authority: {} })
    const report = await runRollback(p, plan, {
      actor: 'lee',
      reason,
      decision,
      authority: outcome.kind === 'proceed' ? outcome.authority : {},
    })
    expect(report.status).toBe('succeeded')
    const review = (await reviewFlaggedRun(p, lee, decision, report, clock))!
    expect(review).toMatchObject({ kind: 'emergency', subject: report.run, actor: 'lee', apps: ['staff'], closedAt: null })
    expect((await audited('review.opened')).at(-1)!.details).toMatchObject({ review: review.id, kind: 'emergency', subject: report.run })

    await expect(closeReview(p, lee, review.id, 'looked fine to me', clock)).rejects.toThrow(/lee acted under review .* another holder/)
    await expect(closeReview(p, ann, review.id, 'fine', clock)).rejects.toThrow('ann lacks the permission "review"')
    await expect(closeReview(p, tom, review.id, '  ', clock)).rejects.toThrow(UserError)
    expect((await listReviews(p.state.db)).map((r) => r.id)).toContain(review.id)
    const closed = await closeReview(p, tom, review.id, 'v2 failed check-in for every patient; rolling back was right', clock)
    expect(closed).toMatchObject({ closedBy: 'tom', closedAt: new Date(t).toISOString() })
    await expect(closeReview(p, tom, review.id, 'again', clock)).rejects.toThrow(/was closed by tom/)
    const refused = (await audited('review.refused')).filter((e) => e.details.review === review.id)
    expect(refused.map((e) => [e.actor, e.details.why])).toEqual([
      ['lee', 'own-action'],
      ['ann', 'permission'],
      ['tom', 'closed'],
    ])
    expect((await audited('review.closed')).at(-1)).toMatchObject({
      actor: 'tom',
      details: { review: review.id, kind: 'emergency', actor: 'lee' },
    })
  }, 30_000)

  it("escalates an undecided request at its target time through the recovery scheduler's tick: channels, open incident, audit", async () => {
    await sp.deploy('staff', 'v3')
    const incident = await p.state.writeTransaction((tx) =>
      openIncidentIn(
        tx,
        p.config,
        {
          type: 'performance_degradation',
          severity: 'high',
          scope: ['staff'],
          reason: 'staff is slow',
          actor: 'ann',
          target: null,
          details: {},
        },
        t,
      ),
    )
    const { outcome } = await gate(ann, { scenario: 'performance_degradation' })
    if (outcome.kind !== 'requested') throw new Error('expected an approval request')
    const a = outcome.approval
    expect(a.targetAt).toBe(new Date(t + 5 * MIN).toISOString())
    const level = (await findIncident(p.state.db, incident.id))!.level
    const scheduler = new RecoveryScheduler(p, { actor: 'lastgood' })

    expect((await scheduler.tick(t + 5 * MIN - 1)).approvals).toEqual({ escalated: 0, expired: 0 })
    expect(await queued('approval_escalated')).toEqual([])
    expect((await scheduler.tick(t + 5 * MIN)).approvals).toEqual({ escalated: 1, expired: 0 })
    expect((await scheduler.tick(t + 6 * MIN)).approvals).toEqual({ escalated: 0, expired: 0 })

    expect(await requireApproval(p.state.db, a.id)).toMatchObject({ status: 'pending', escalatedAt: new Date(t + 5 * MIN).toISOString() })
    // The approving roles' channel is told again; the incident rises a level and its audience hears of it.
    expect(await queued('approval_escalated')).toEqual([{ channel: 'leads', kind: 'approval_escalated' }])
    expect((await findIncident(p.state.db, incident.id))!.level).toBe(level + 1)
    expect(await queued('escalation')).toEqual([{ channel: 'ops', kind: 'escalation' }])
    const [escalated] = await audited('approval.escalated')
    expect(escalated).toMatchObject({
      actor: 'lastgood',
      target: 'staff',
      details: { approval: a.id, incidents: [incident.id], channels: ['leads'] },
    })
    expect(escalated!.reason).toMatch(/undecided 5m after the request, past its target of 5m/)
  })
})
