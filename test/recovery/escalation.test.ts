import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { applyDueEscalations, escalateIncident } from '../../src/recovery/escalation.js'
import { requireIncident } from '../../src/recovery/incident-store.js'
import { openIncidentIn } from '../../src/recovery/open-incident.js'
import { loadTimeline } from '../../src/recovery/timeline.js'
import type { Platform } from '../../src/platform/platform.js'
import { assertPostgresReachable, engines } from '../helpers/state-engines.js'
import { RecoveryPlatform } from './recovery-platform.js'

beforeAll(assertPostgresReachable)

const T0 = Date.parse('2026-01-05T09:00:00.000Z')
const MIN = 60_000
let rp: RecoveryPlatform | undefined
afterEach(async () => {
  await rp?.destroy()
  rp = undefined
})

async function declare(p: Platform, scope = ['staff']) {
  return p.state.writeTransaction((tx) =>
    openIncidentIn(
      tx,
      p.config,
      {
        type: 'critical_application_failure',
        severity: 'high',
        scope,
        reason: 'staff is down',
        actor: 'alice',
        target: null,
        details: {},
      },
      T0,
    ),
  )
}

const levelsOnTimeline = async (p: Platform, id: string) =>
  (await loadTimeline(p.state.db, id)).filter((e) => e.kind === 'escalation' && !e.data.atTop).map((e) => e.data.level)

describe.each(engines)('escalation levels on $name', (engine) => {
  it('reaches level 1 at the declaration, 2 at 15 min and 3 at 30 min, once each, across a restart', async () => {
    rp = await RecoveryPlatform.create(engine)
    const incident = await declare(rp.p)
    expect(incident).toMatchObject({ level: 1, levelAt: new Date(T0).toISOString(), audience: ['it-team'] })
    expect((await rp.queued(incident.id)).map((m) => `${m.kind}>${m.channel}`)).toEqual(['incident_declared>it-team'])
    expect((await rp.queued(incident.id))[0]!.text).toContain(
      '- Automatic rollback activation\n- Health check validation\n- IT team notification',
    )

    expect(await applyDueEscalations(rp.p, { actor: 'sched', now: T0 + 15 * MIN - 1 })).toBe(0)
    expect(await applyDueEscalations(rp.p, { actor: 'sched', now: T0 + 15 * MIN })).toBe(1)
    expect(await applyDueEscalations(rp.p, { actor: 'sched', now: T0 + 15 * MIN + 1 })).toBe(0)
    const l2 = (await rp.queued(incident.id)).filter((m) => m.kind === 'escalation')
    expect(l2.map((m) => m.channel).sort()).toEqual(['it-team', 'management'])
    expect(l2[0]!.text).toMatch(
      /ESCALATION LEVEL 2[\s\S]*Open for: 15m[\s\S]*- Manual rollback procedures\n- Emergency procedures activation\n- Management notification/,
    )

    const p = await rp.reopen()
    expect(await applyDueEscalations(p, { actor: 'sched', now: T0 + 30 * MIN })).toBe(1)
    expect(await applyDueEscalations(p, { actor: 'sched', now: T0 + 90 * MIN })).toBe(0)
    const after = await requireIncident(p.state.db, incident.id)
    expect(after).toMatchObject({ level: 3, levelAt: new Date(T0 + 30 * MIN).toISOString() })
    expect(after.audience.sort()).toEqual(['all-staff', 'front-desk', 'it-team', 'management'])
    expect(await levelsOnTimeline(p, incident.id)).toEqual([1, 2, 3])
    const timeline = await loadTimeline(p.state.db, incident.id)
    expect(timeline.filter((e) => e.kind === 'escalation').map((e) => e.at)).toEqual(
      [T0, T0 + 15 * MIN, T0 + 30 * MIN].map((t) => new Date(t).toISOString()),
    )

    // Level 3 activates the continuity plans of the scope: staff is in Patient Check-in.
    const plans = await p.state.db.selectFrom('continuity_activations').selectAll().execute()
    expect(plans).toEqual([
      expect.objectContaining({ plan: 'patient-check-in', incident_id: incident.id, ended_at: null, down_apps: '["staff"]' }),
    ])
    const activated = (await rp.queued(incident.id)).filter((m) => m.kind === 'continuity_activated')
    expect(activated.map((m) => m.channel).sort()).toEqual(['all-staff', 'front-desk', 'it-team', 'management'])
    expect(activated[0]!.text).toContain('Switch to: Paper-based check-in forms')
    expect(timeline.map((e) => e.kind)).toContain('continuity.activated')
    // Every timeline entry is also an audit event.
    const audit = await p.state.db.selectFrom('audit_events').select('action').where('target', '=', incident.id).execute()
    expect(audit.map((a) => a.action)).toEqual(timeline.map((e) => `incident.${e.kind}`))
  })

  it('a manual escalation takes the next level now and consumes its timer; later levels keep their times', async () => {
    rp = await RecoveryPlatform.create(engine)
    const incident = await declare(rp.p)
    const up = await escalateIncident(rp.p, incident.id, { actor: 'bob', reason: 'pharmacy cannot dispense', now: T0 + MIN })
    expect(up.level).toBe(2)
    expect(await applyDueEscalations(rp.p, { actor: 'sched', now: T0 + 15 * MIN })).toBe(0)
    expect(await applyDueEscalations(rp.p, { actor: 'sched', now: T0 + 30 * MIN })).toBe(1)
    const timeline = await loadTimeline(rp.p.state.db, incident.id)
    expect(timeline.filter((e) => e.kind === 'escalation').map((e) => [e.data.level, e.actor, e.data.early])).toEqual([
      [1, 'alice', false],
      [2, 'bob', true],
      [3, 'sched', false],
    ])

    const before = (await loadTimeline(rp.p.state.db, incident.id)).length
    await expect(escalateIncident(rp.p, incident.id, { actor: 'bob', reason: 'more', now: T0 + 31 * MIN })).rejects.toThrow(UserError)
    await expect(escalateIncident(rp.p, incident.id, { actor: 'bob', reason: 'more' })).rejects.toThrow(/highest escalation level \(3\)/)
    expect(await loadTimeline(rp.p.state.db, incident.id)).toHaveLength(before)
    await expect(escalateIncident(rp.p, 'inc-nope', { actor: 'bob', reason: 'x' })).rejects.toThrow(/no incident "inc-nope"/)
  })

  it('levels missed while nothing ran are applied in order; two processes racing apply each level once', async () => {
    rp = await RecoveryPlatform.create(engine)
    const a = await declare(rp.p, ['staff'])
    const b = await declare(rp.p, ['inventory'])
    const replica = await rp.open()
    try {
      const counts = await Promise.all([
        applyDueEscalations(rp.p, { actor: 'one', now: T0 + 31 * MIN }),
        applyDueEscalations(replica, { actor: 'two', now: T0 + 31 * MIN }),
        applyDueEscalations(replica, { actor: 'three', now: T0 + 31 * MIN }),
      ])
      expect(counts.reduce((x, y) => x + y, 0)).toBe(4)
    } finally {
      await replica.close()
    }
    for (const i of [a, b]) {
      expect(await levelsOnTimeline(rp.p, i.id)).toEqual([1, 2, 3])
      const escalations = (await rp.queued(i.id)).filter((m) => m.kind === 'escalation')
      // Level 2 to it-team and management, level 3 to those and all-staff: 5 messages, none twice.
      expect(escalations).toHaveLength(5)
    }
  })
})
