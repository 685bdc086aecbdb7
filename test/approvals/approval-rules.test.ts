import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyApprovalTimers } from '../../src/approvals/approval-timer.js'
import { requireApproval } from '../../src/approvals/approval-store.js'
import { decideApproval } from '../../src/approvals/decide-approval.js'
import { executeApproval } from '../../src/approvals/execute-approval.js'
import { requestOrProceed } from '../../src/approvals/gate.js'
import type { Identity } from '../../src/auth/identity.js'
import { listAudit } from '../../src/audit/audit-log.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { Outbox } from '../../src/notify/outbox.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { selectApps, type Platform } from '../../src/platform/platform.js'
import { openIncidentIn } from '../../src/recovery/open-incident.js'
import { findIncident } from '../../src/recovery/incident-store.js'
import { decidePlan } from '../../src/rollback/plan-decision.js'
import { planRollback } from '../../src/rollback/plan-rollback.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'
import { assertPostgresReachable, engines, type StateFixture } from '../helpers/state-engines.js'
import { approvalConfig, HOOK_SECRET } from '../../src/demo/approval-config.js'

/**
 * RELIABILITY case 13 on both state engines, through the approval engine's own API with a clock the test moves:
 * every refusal is refused and audited and changes nothing else; an approved plan runs once, and only if it is
 * still the plan that was approved.
 */

const person = (subject: string, role: string): Identity => ({ subject, method: 'password', role })
const ann = person('ann', 'operator')
const lee = person('lee', 'team-lead')
const tom = person('tom', 'team-lead')
const vic = person('vic', 'viewer')

beforeAll(assertPostgresReachable)

describe.each(engines)('approvals on $name', (engine) => {
  let fixture: StateFixture
  let sp: SamplePlatform
  let p: Platform
  let receiver: HttpReceiver
  let t = Date.parse('2031-01-01T10:00:00Z')
  const clock = { now: () => t }

  beforeAll(async () => {
    fixture = await engine.fixture()
    receiver = await HttpReceiver.start()
    receiver.otherwise(signedWebhookRoute(HOOK_SECRET))
    sp = await SamplePlatform.create({ configText: approvalConfig(receiver.url(''), fixture.configBlock) })
    for (const app of ['staff', 'inventory']) await sp.deploy(app, 'v1')
    await sp.start(['staff', 'inventory'])
    expect((await sp.cli(['init'])).code).toBe(0)
    expect((await sp.cli(['snapshot', 'create', 'staff', 'inventory'])).code).toBe(0)
    for (const app of ['staff', 'inventory']) await sp.deploy(app, 'v2')
    p = await withEnv(sp.env, () => openPlatform(sp.configFile))
  }, 60_000)

  afterAll(async () => {
    await p?.close()
    await sp?.destroy()
    await receiver?.close()
    await fixture?.cleanup()
  })

  async function ask(app: string, who = ann) {
    const plan = await planRollback(p, { apps: selectApps(p.config, [app]), signal: new AbortController().signal })
    const decision = decidePlan(p.config, plan, { by: 'person' })
    const gate = await requestOrProceed(p, who, { plan, decision, ask: { apps: [app] }, reason: `${app} v2 is broken` }, clock)
    if (gate.kind !== 'requested') throw new Error('expected an approval request')
    return gate.approval
  }

  const events = async (action: string) => (await listAudit(p.state.db)).filter((e) => e.action === action)
  const runs = async () => (await p.state.db.selectFrom('rollback_runs').select('id').execute()).length

  it('asks the roles that hold approve:<scenario> on their channels, with the plan, the target time and the command', async () => {
    const a = await ask('staff')
    expect(a).toMatchObject({
      status: 'pending',
      requester: 'ann',
      scenario: 'partial_functionality_loss',
      requiredApprovers: 1,
      asked: { channels: ['leads'] },
      createdAt: new Date(t).toISOString(),
      targetAt: new Date(t + 10 * 60_000).toISOString(),
      expiresAt: new Date(t + 15 * 60_000).toISOString(),
    })
    expect(a.asked.roles).toContain('team-lead')
    expect(a.planHash).toMatch(/^[0-9a-f]{64}$/)
    expect((await events('approval.requested')).at(-1)!.details).toMatchObject({ approval: a.id, planHash: a.planHash })
    const outbox = new Outbox({ state: p.state, config: p.config })
    expect(await outbox.drain(5_000)).toBe(0)
    const [hook] = receiver.requests('/leads')
    expect(hook!.verdict).toBe('accepted')
    const text = JSON.stringify(JSON.parse(hook!.body.toString()))
    expect(text).toContain(`lastgood approve ${a.id}`)
    expect(text).toContain('staff → ')
    expect(text).toContain(a.targetAt)
  })

  it('refuses self-approval, an approver without the permission, and a decision on a rejected request; each audited, nothing else changed', async () => {
    const a = await ask('staff')
    const before = await runs()
    await expect(decideApproval(p, ann, a.id, 'approve', 'mine', { clock })).rejects.toThrow(/ann asked for approval .* cannot approve it/)
    await expect(decideApproval(p, vic, a.id, 'approve', 'looks fine', { clock })).rejects.toThrow(
      'vic lacks the permission "approve:partial_functionality_loss"',
    )
    expect(await requireApproval(p.state.db, a.id)).toMatchObject({ status: 'pending', decisions: [] })
    const rejected = await decideApproval(p, lee, a.id, 'reject', 'not this one', { clock })
    expect(rejected.approval).toMatchObject({ status: 'rejected', decisions: [{ actor: 'lee', verdict: 'reject' }] })
    await expect(decideApproval(p, tom, a.id, 'approve', 'go', { clock })).rejects.toThrow(/is rejected by lee/)
    const refused = (await events('approval.refused')).filter((e) => e.details.approval === a.id)
    expect(refused.map((e) => [e.actor, e.details.why, e.outcome])).toEqual([
      ['ann', 'self-approval', 'refused'],
      ['vic', 'permission', 'refused'],
      ['tom', 'rejected', 'refused'],
    ])
    expect(await runs()).toBe(before)
  })

  it('expires an undecided request, escalates it first at its target time (channels and open incidents), once', async () => {
    // The first test's request is still undecided: its time runs out first.
    t += 16 * 60_000
    expect(await applyApprovalTimers(p, { actor: 'lastgood', now: t })).toEqual({ escalated: 0, expired: 1 })
    const incident = await p.state.writeTransaction((tx) =>
      openIncidentIn(
        tx,
        p.config,
        {
          type: 'critical_application_failure',
          severity: 'high',
          scope: ['staff'],
          reason: 'staff down',
          actor: 'ann',
          target: null,
          details: {},
        },
        t,
      ),
    )
    const a = await ask('staff')
    const level = (await findIncident(p.state.db, incident.id))!.level
    expect(await applyApprovalTimers(p, { actor: 'lastgood', now: t + 10 * 60_000 - 1 })).toEqual({ escalated: 0, expired: 0 })
    expect(await applyApprovalTimers(p, { actor: 'lastgood', now: t + 10 * 60_000 })).toEqual({ escalated: 1, expired: 0 })
    expect(await applyApprovalTimers(p, { actor: 'lastgood', now: t + 11 * 60_000 })).toEqual({ escalated: 0, expired: 0 })
    expect((await findIncident(p.state.db, incident.id))!.level).toBe(level + 1)
    expect((await events('approval.escalated')).at(-1)!.details).toMatchObject({ approval: a.id, incidents: [incident.id] })
    const queued = await p.state.db
      .selectFrom('notifications')
      .select(['channel', 'kind'])
      .where('kind', '=', 'approval_escalated')
      .execute()
    expect(queued).toEqual([{ channel: 'leads', kind: 'approval_escalated' }])

    t += 15 * 60_000
    await expect(decideApproval(p, lee, a.id, 'approve', 'late', { clock })).rejects.toThrow(/expired/)
    expect((await requireApproval(p.state.db, a.id)).status).toBe('expired')
    expect((await events('approval.expired')).map((e) => e.details.approval)).toContain(a.id)
    expect((await events('approval.refused')).at(-1)!.details).toMatchObject({ approval: a.id, why: 'expired' })
    await p.state.writeTransaction((tx) => tx.updateTable('incidents').set({ status: 'resolved' }).where('id', '=', incident.id).execute())
  })

  it('makes a request stale when a deploy came in between: nothing runs, approval.stale, the refusal offers a new request', async () => {
    const a = await ask('staff')
    await sp.deploy('staff', 'v3')
    const before = await runs()
    await expect(decideApproval(p, lee, a.id, 'approve', 'go', { clock })).rejects.toThrow(
      /stale: the plan differs .* Ask again for what is right now: lastgood rollback staff --reason "staff v2 is broken"/,
    )
    expect((await requireApproval(p.state.db, a.id)).status).toBe('stale')
    expect((await events('approval.stale')).at(-1)!.details).toMatchObject({ approval: a.id, approvedHash: a.planHash })
    expect(await runs()).toBe(before)
  })

  it('runs an approved plan exactly once under two concurrent approvers, and refuses a second execution', async () => {
    const a = await ask('staff')
    const before = await runs()
    const other = await withEnv(sp.env, () => openPlatform(sp.configFile))
    try {
      const both = await Promise.allSettled([
        decideApproval(p, lee, a.id, 'approve', 'go', { clock }),
        decideApproval(other, tom, a.id, 'approve', 'go too', { clock }),
      ])
      const ran = both.filter((r) => r.status === 'fulfilled')
      expect(ran).toHaveLength(1)
      expect((ran[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof decideApproval>>>).value.report!.status).toBe('succeeded')
      expect(String((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/already (approved|executed)/)
    } finally {
      await other.close()
    }
    expect(await runs()).toBe(before + 1)
    const done = await requireApproval(p.state.db, a.id)
    expect(done).toMatchObject({ status: 'executed', outcome: 'succeeded' })
    await expect(executeApproval(p, lee, a.id)).rejects.toThrow(/already executed .*runs once/)
    expect((await events('approval.refused')).at(-1)!.details).toMatchObject({ approval: a.id, why: 'second-execution' })
    const start = (await events('rollback.start')).at(-1)!
    expect(start.details).toMatchObject({ run: done.run, approval: { id: a.id, approvedBy: [expect.any(String)] } })
    expect(await runs()).toBe(before + 1)
  }, 30_000)

  it('needs two different approvers, neither the requester, under the two-person rule', async () => {
    const a = await ask('inventory')
    expect(a.requiredApprovers).toBe(2)
    const first = await decideApproval(p, lee, a.id, 'approve', 'one', { clock })
    expect(first).toMatchObject({ approval: { status: 'pending' } })
    expect(first.report).toBeUndefined()
    await expect(decideApproval(p, lee, a.id, 'approve', 'me again', { clock })).rejects.toThrow(
      /already approved .*second, different person/,
    )
    await expect(decideApproval(p, ann, a.id, 'approve', 'mine', { clock })).rejects.toThrow(/cannot approve it/)
    const second = await decideApproval(p, tom, a.id, 'approve', 'two', { clock })
    expect(second.approval).toMatchObject({ status: 'executed', outcome: 'succeeded' })
    expect(second.approval.decisions.map((d) => d.actor)).toEqual(['lee', 'tom'])
    expect(second.approval.decisionMs).toBe(0)
  }, 30_000)
})
