import { listAudit } from '../../src/audit/audit-log.js'
import { buildComplianceReport } from '../../src/audit/compliance-report.js'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { checkContinuityBreaches } from '../../src/recovery/continuity-breach.js'
import { ContinuityWatch } from '../../src/recovery/continuity-watch.js'
import { listIncidents, requireIncident } from '../../src/recovery/incident-store.js'
import { openIncidentIn } from '../../src/recovery/open-incident.js'
import { loadTimeline } from '../../src/recovery/timeline.js'
import type { Platform } from '../../src/platform/platform.js'
import { assertPostgresReachable, engines } from '../helpers/state-engines.js'
import { RecoveryPlatform } from './recovery-platform.js'

beforeAll(assertPostgresReachable)

const T0 = Date.parse('2026-01-05T09:00:00.000Z')
const S = 1000
const MIN = 60_000
let rp: RecoveryPlatform | undefined
afterEach(async () => {
  await rp?.destroy()
  rp = undefined
})

const app = (p: Platform, name: string) => p.config.apps.find((a) => a.name === name)!
const activations = (p: Platform) => p.state.db.selectFrom('continuity_activations').selectAll().orderBy('started_at').execute()

describe.each(engines)('continuity plans on $name', (engine) => {
  it('a breach that declares an incident no channel hears says so on its timeline, with the first level that will tell someone', async () => {
    // Patient education has no notify of its own; incidents tell nobody and level 1 has no channel.
    rp = await RecoveryPlatform.create(engine, {
      incidents: '[]',
      levels: '    - { after: 0s, notify: [] }\n    - { after: 15m, notify: [management] }\n',
    })
    const watch = new ContinuityWatch(rp.p, 'monitor')
    for (let i = 0; i < 2; i++) await watch.observe(app(rp.p, 'handouts'), 'failed', T0 + i * S)
    const [breach] = await checkContinuityBreaches(rp.p, { actor: 'monitor', now: T0 + 60 * MIN })
    expect(breach).toMatchObject({ declared: true, incident: { audience: [] } })
    const timeline = await loadTimeline(rp.p.state.db, breach!.incident.id)
    expect(timeline.map((e) => e.kind)).toEqual(['declared', 'escalation', 'continuity.breached', 'unheard'])
    expect(timeline.at(-1)!.message).toBe(
      'no channel was told of this incident: notifications.incidents and escalation level 1 name none; level 2 (after 15m) is the first to tell one (management)',
    )
  })

  it('reports an activation that came more than 5 minutes after the outage as missing the target', async () => {
    rp = await RecoveryPlatform.create(engine)
    const watch = new ContinuityWatch(rp.p, 'monitor')
    // Rounds 6 minutes apart (a slow health interval): the second failed one, 6 minutes in, activates the plan.
    for (let i = 0; i < 2; i++) await watch.observe(app(rp.p, 'staff'), 'failed', T0 + i * 6 * MIN)
    const [late] = (await buildComplianceReport(rp.p.state.db, { platform: 'test' })).continuityActivations
    expect(late).toMatchObject({ plan: 'patient-check-in', activationMs: 6 * MIN, withinTarget: false })
  })

  it('activate when an app is down (health.failures rounds), breach past max_downtime by declaring an incident, end when the app is up', async () => {
    rp = await RecoveryPlatform.create(engine)
    const watch = new ContinuityWatch(rp.p, 'monitor')
    await watch.observe(app(rp.p, 'staff'), 'failed', T0)
    expect(await activations(rp.p)).toEqual([])
    await watch.observe(app(rp.p, 'staff'), 'failed', T0 + S)
    await watch.observe(app(rp.p, 'staff'), 'failed', T0 + 2 * S)
    const [active] = await activations(rp.p)
    // Downtime counts from the first failed round of the streak.
    expect(active).toMatchObject({
      plan: 'patient-check-in',
      down_apps: '["staff"]',
      started_at: new Date(T0).toISOString(),
      ended_at: null,
      breached_at: null,
    })
    expect(await activations(rp.p)).toHaveLength(1)
    const told = await rp.queued()
    expect(told.map((m) => `${m.kind}>${m.channel}`)).toEqual(['continuity_activated>front-desk'])
    expect(told[0]!.text).toMatch(/Function: Patient Check-in\nDown: staff\nSwitch to: Paper-based check-in forms\nMaximum downtime: 15m/)
    // Seed 000's figure: activated at the second failed round, 1 s after the outage began, within 5 minutes.
    expect((await buildComplianceReport(rp.p.state.db, { platform: 'test' })).continuityActivations).toEqual([
      {
        plan: 'patient-check-in',
        function: 'Patient Check-in',
        apps: ['staff'],
        downSince: new Date(T0).toISOString(),
        activatedAt: new Date(T0 + S).toISOString(),
        activationMs: S,
        withinTarget: true,
      },
    ])

    expect(await checkContinuityBreaches(rp.p, { actor: 'monitor', now: T0 + 15 * MIN - 1 })).toEqual([])
    const [breach] = await checkContinuityBreaches(rp.p, { actor: 'monitor', now: T0 + 15 * MIN })
    expect(breach).toMatchObject({
      declared: true,
      incident: { type: 'critical_application_failure', scope: ['staff'], level: 1, openedBy: 'monitor' },
    })
    expect(await checkContinuityBreaches(rp.p, { actor: 'monitor', now: T0 + 20 * MIN })).toEqual([])
    const incident = breach!.incident.id
    const breachMsgs = (await rp.queued(incident)).filter((m) => m.kind === 'continuity_breached')
    expect(breachMsgs.map((m) => m.channel).sort()).toEqual(['front-desk', 'it-team'])
    expect(breachMsgs[0]!.text).toContain('Function: Patient Check-in has been down 15m, past its maximum of 15m.')

    // A restarted monitor knows staff is down from the active row, and ends the plan at the first passing round.
    const p = await rp.reopen()
    const again = new ContinuityWatch(p, 'monitor')
    await again.refresh()
    expect(again.isDown('staff')).toBe(true)
    await again.observe(app(p, 'staff'), 'passed', T0 + 16 * MIN)
    expect(await activations(p)).toEqual([
      expect.objectContaining({
        ended_at: new Date(T0 + 16 * MIN).toISOString(),
        breached_at: new Date(T0 + 15 * MIN).toISOString(),
        incident_id: incident,
      }),
    ])
    const kinds = (await loadTimeline(p.state.db, incident)).map((e) => e.kind)
    expect(kinds).toEqual(['declared', 'escalation', 'continuity.breached', 'continuity.ended'])
    expect(await listIncidents(p.state.db, { open: true })).toHaveLength(1)
    // The plan's own audit trail: activated without any incident, ended after the breach.
    const planEvents = (await listAudit(p.state.db)).filter((e) => e.action.startsWith('continuity.'))
    expect(planEvents.map((e) => [e.action, e.target, e.details.incident])).toEqual([
      ['continuity.activated', 'patient-check-in', null],
      ['continuity.ended', 'patient-check-in', incident],
    ])
    expect(planEvents[1]!.details).toMatchObject({ downtimeMs: 16 * MIN, breached: true })
  })

  it('a breach escalates the open incident covering the app, once, and is on its timeline', async () => {
    rp = await RecoveryPlatform.create(engine)
    const declared = await rp.p.state.writeTransaction((tx) =>
      openIncidentIn(
        tx,
        rp!.p.config,
        {
          type: 'critical_application_failure',
          severity: 'high',
          scope: ['inventory', 'handouts'],
          reason: 'supplies api down',
          actor: 'alice',
          target: null,
          details: {},
        },
        T0,
      ),
    )
    const watch = new ContinuityWatch(rp.p, 'monitor')
    for (const t of [T0 + MIN, T0 + MIN + S]) await watch.observe(app(rp.p, 'inventory'), 'failed', t)
    const timeline = await loadTimeline(rp.p.state.db, declared.id)
    expect(timeline.at(-1)).toMatchObject({
      kind: 'continuity.activated',
      data: expect.objectContaining({ plan: 'medical-inventory', apps: ['inventory'] }),
    })

    const replica = await rp.open()
    try {
      const handled = await Promise.all([
        checkContinuityBreaches(rp.p, { actor: 'monitor', now: T0 + 31 * MIN }),
        checkContinuityBreaches(replica, { actor: 'replica', now: T0 + 31 * MIN }),
      ])
      expect(handled.flat()).toEqual([
        expect.objectContaining({ declared: false, incident: expect.objectContaining({ id: declared.id, level: 2 }) }),
      ])
    } finally {
      await replica.close()
    }
    expect(await requireIncident(rp.p.state.db, declared.id)).toMatchObject({ level: 2 })
    const msgs = (await rp.queued(declared.id)).filter((m) => m.kind === 'continuity_breached')
    expect(msgs.map((m) => m.channel).sort()).toEqual(['it-team', 'management', 'pharmacy'])
    expect(msgs[0]!.text).toContain('escalated to level 2')
    const kinds = (await loadTimeline(rp.p.state.db, declared.id)).map((e) => e.kind)
    expect(kinds.filter((k) => k === 'continuity.breached')).toHaveLength(1)
    expect(kinds.slice(-2)).toEqual(['escalation', 'continuity.breached'])
    expect(await listIncidents(rp.p.state.db)).toHaveLength(1)
  })
})
