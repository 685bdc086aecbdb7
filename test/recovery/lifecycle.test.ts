import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { declareIncident } from '../../src/recovery/declare-incident.js'
import { requireIncident } from '../../src/recovery/incident-store.js'
import { RecoveryScheduler } from '../../src/recovery/recovery-scheduler.js'
import { resolveIncident } from '../../src/recovery/resolve-incident.js'
import { loadTimeline } from '../../src/recovery/timeline.js'
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

describe.each(engines)('incident lifecycle on $name', (engine) => {
  it("the monitor's declarations dedupe onto the open incident; a scheduler tick escalates, sends status updates on time, and stops at resolve", async () => {
    rp = await RecoveryPlatform.create(engine)
    const req = {
      type: 'critical_application_failure' as const,
      scope: ['staff'],
      reason: 'health failing',
      actor: 'lastgood-monitor',
      dedupe: true,
      runRunbook: false,
    }
    const first = await declareIncident(rp.p, req, { now: T0 })
    expect(first).toMatchObject({ existing: false, incident: { level: 1, nextUpdateAt: new Date(T0 + 10 * MIN).toISOString() } })
    const second = await declareIncident(rp.p, { ...req, scope: ['staff', 'inventory'], reason: 'rollback failed' }, { now: T0 + MIN })
    expect(second).toMatchObject({ existing: true, incident: { id: first.incident.id } })
    expect((await loadTimeline(rp.p.state.db, first.incident.id)).at(-1)).toMatchObject({
      kind: 'note',
      data: expect.objectContaining({ redeclared: true }),
    })
    await expect(declareIncident(rp.p, { ...req, scope: ['nobody'] })).rejects.toThrow(/unknown app "nobody"/)

    const scheduler = new RecoveryScheduler(rp.p, { actor: 'sched' })
    expect(await scheduler.tick(T0 + 10 * MIN - 1)).toMatchObject({ escalations: 0, statusUpdates: 0, breaches: 0 })
    expect(await scheduler.tick(T0 + 10 * MIN)).toMatchObject({ escalations: 0, statusUpdates: 1, breaches: 0 })
    expect(await scheduler.tick(T0 + 10 * MIN + 500)).toMatchObject({ escalations: 0, statusUpdates: 0, breaches: 0 })
    expect(await scheduler.tick(T0 + 15 * MIN)).toMatchObject({ escalations: 1, statusUpdates: 0, breaches: 0 })
    const update = (await rp.queued(first.incident.id)).find((m) => m.kind === 'status_update')!
    expect(update.text).toMatch(
      /STATUS UPDATE - test[\s\S]*Escalation Level: 1[\s\S]*Elapsed: 10m[\s\S]*declared for staff[\s\S]*Next Updates: Every 10m/,
    )

    // Nothing ran for 25 minutes: one update (not two), and the next 10 minutes from now.
    await rp.reopen()
    const later = new RecoveryScheduler(rp.p, { actor: 'sched' })
    expect(await later.tick(T0 + 45 * MIN)).toMatchObject({ escalations: 1, statusUpdates: 1, breaches: 0 })
    expect(await requireIncident(rp.p.state.db, first.incident.id)).toMatchObject({
      level: 3,
      nextUpdateAt: new Date(T0 + 55 * MIN).toISOString(),
    })

    await resolveIncident(rp.p, first.incident.id, { actor: 'carol', summary: 'fixed', now: T0 + 50 * MIN })
    expect(await later.tick(T0 + 90 * MIN)).toMatchObject({ escalations: 0, statusUpdates: 0, breaches: 0 })
    // Level 3 activated Patient Check-in for staff; resolving the incident ended it.
    const plans = await rp.p.state.db.selectFrom('continuity_activations').selectAll().execute()
    expect(plans).toEqual([expect.objectContaining({ plan: 'patient-check-in', ended_at: new Date(T0 + 50 * MIN).toISOString() })])
    const resolved = (await rp.queued(first.incident.id)).filter((m) => m.kind === 'incident_resolved')
    expect(resolved.map((m) => m.channel).sort()).toEqual(['all-staff', 'front-desk', 'it-team', 'management'])
    await expect(resolveIncident(rp.p, first.incident.id, { actor: 'carol', summary: 'again' })).rejects.toThrow(
      /already resolved by carol/,
    )
  })
})
