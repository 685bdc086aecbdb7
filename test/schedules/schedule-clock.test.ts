import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAudit } from '../../src/audit/audit-log.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import { cronOf, dueBetween } from '../../src/schedules/cron.js'
import { SCHEDULER_ACTOR } from '../../src/schedules/schedule-jobs.js'
import { ScheduleRunner } from '../../src/schedules/schedule-runner.js'
import { scheduleStatuses } from '../../src/schedules/schedule-status.js'
import { listSnapshots } from '../../src/snapshots/snapshot-record.js'
import { HOST } from '../../src/core/process-alive.js'
import { singleAppConfig } from '../helpers/configs.js'

let sample: SamplePlatform
let p: Platform
/** The runner's clock: the tests move it. */
let now = Date.parse('2026-03-28T12:00:00Z')

// A nightly snapshot at 03:00 Berlin time, the night the clocks go forward (03:00 CEST is 01:00 UTC).
const SCHEDULES = `notifications:
  channels:
    ops: { type: webhook, url: "http://127.0.0.1:9/hook", secret: 0123456789abcdef }
  incidents: [ops]
schedules:
  nightly: { cron: "0 3 * * *", timezone: Europe/Berlin, run: snapshot-create, apps: [staff] }
`

beforeAll(async () => {
  sample = await SamplePlatform.create({ configText: singleAppConfig() + SCHEDULES })
  await sample.deploy('staff', 'v1')
  expect((await sample.cli(['init'])).code).toBe(0)
  p = await openPlatform(sample.configFile, { env: sample.platformEnv() })
})

afterAll(async () => {
  await p?.close()
  await sample?.destroy()
})

/** A server's scheduler as it starts (a restart is a new one), ticked once at the clock's time. */
async function serverTick(): Promise<ScheduleRunner> {
  const runner = new ScheduleRunner(p, { stop: new AbortController().signal, now: () => now })
  await runner.tick()
  await runner.idle()
  return runner
}

const scheduled = async () => (await listSnapshots(p.state.db, 'staff')).filter((s) => s.kind === 'scheduled')
const status = async () => (await scheduleStatuses(p.state.db, p.config.schedules, new Date(now)))[0]!

describe('schedule evaluation on a controllable clock', () => {
  it('takes due times from the cron library, across daylight-saving changes', () => {
    const berlin = cronOf('30 2 * * *', 'Europe/Berlin')
    // 02:30 does not exist on 29 March: it runs at the first time after the gap (03:00 CEST, 01:00 UTC).
    expect(berlin.nextRuns(2, new Date('2026-03-28T12:00:00Z')).map((d) => d.toISOString())).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ])
    // 02:30 happens twice on 25 October: it runs once.
    expect(dueBetween(berlin, new Date('2026-10-24T12:00:00Z'), new Date('2026-10-25T23:59:59Z'))?.count).toBe(1)
    const every2s = cronOf('*/2 * * * * *', 'UTC')
    expect(dueBetween(every2s, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:01.999Z'))).toBeUndefined()
    expect(dueBetween(every2s, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:10Z'))).toMatchObject({ count: 5 })
  })

  it('runs nothing before its time, then the job exactly as its command, as lastgood-scheduler, audited', async () => {
    await serverTick() // first sight: counting starts now, nothing was due under it before
    now = Date.parse('2026-03-29T00:59:59Z')
    await serverTick()
    expect(await scheduled()).toEqual([])
    expect((await status()).nextRun).toBe('2026-03-29T01:00:00.000Z')

    now = Date.parse('2026-03-29T01:00:00.400Z')
    await serverTick()
    const [snapshot] = await scheduled()
    expect(snapshot).toMatchObject({ app: 'staff', label: 'nightly', actor: SCHEDULER_ACTOR })
    const run = (await listAudit(p.state.db)).filter((e) => e.action === 'schedule.run')
    expect(run).toEqual([
      expect.objectContaining({
        actor: SCHEDULER_ACTOR,
        target: 'nightly',
        outcome: 'success',
        details: expect.objectContaining({ job: 'snapshot-create', result: 'succeeded', dueAt: '2026-03-29T01:00:00.000Z' }),
      }),
    ])
    expect(run[0]!.reason).toContain(snapshot!.id)
    // The snapshot's own audit event says the scheduler took it, authenticated as a local actor.
    const created = (await listAudit(p.state.db)).find((e) => e.action.startsWith('snapshot.') && e.target.includes('staff'))
    expect(created).toMatchObject({
      actor: SCHEDULER_ACTOR,
      details: expect.objectContaining({ auth: expect.objectContaining({ method: 'local' }) }),
    })
    expect(await status()).toMatchObject({
      lastRun: { outcome: 'succeeded' },
      nextRun: '2026-03-30T01:00:00.000Z',
      overdue: false,
      problem: null,
    })
  })

  it('after downtime: the due times it slept through are recorded missed, told and counted, and caught up with one run', async () => {
    now = Date.parse('2026-04-01T12:00:00Z')
    // No server ran since: status (read from the state) already says the schedule is overdue.
    expect(await status()).toMatchObject({ overdue: true, problem: expect.stringContaining('overdue since 2026-03-30T01:00:00.000Z') })

    await serverTick()
    expect(await scheduled()).toHaveLength(2)
    expect(await status()).toMatchObject({
      overdue: false,
      missedTotal: 3,
      lastMissed: { from: '2026-03-30T01:00:00.000Z', to: '2026-04-01T01:00:00.000Z', count: 3 },
      lastRun: { outcome: 'succeeded', dueAt: '2026-04-01T01:00:00.000Z' },
      nextRun: '2026-04-02T01:00:00.000Z',
    })
    const missed = (await listAudit(p.state.db)).filter((e) => e.action === 'schedule.missed')
    expect(missed).toEqual([
      expect.objectContaining({ outcome: 'failure', target: 'nightly', details: expect.objectContaining({ occurrences: 3 }) }),
    ])
    const queued = await p.state.db.selectFrom('notifications').selectAll().where('kind', '=', 'schedule_missed').execute()
    expect(queued.map((n) => n.channel)).toEqual(['ops'])
    expect(JSON.parse(queued[0]!.message).text).toContain('Missed: 3 due time(s) from 2026-03-30T01:00:00.000Z to 2026-04-01T01:00:00.000Z')

    // A second server (or a second tick) finds nothing left to do: each due time is handled once.
    await serverTick()
    expect(await scheduled()).toHaveLength(2)
  })

  it('a run still going when the next time falls due: that time is skipped, not run beside it', async () => {
    const runner = new ScheduleRunner(p, { stop: new AbortController().signal, now: () => now })
    now = Date.parse('2026-04-02T01:00:01Z')
    await runner.tick() // starts the run, does not wait for it
    now = Date.parse('2026-04-03T01:00:01Z')
    await runner.tick()
    await runner.idle()
    const skipped = (await listAudit(p.state.db)).filter((e) => e.action === 'schedule.run' && e.outcome === 'refused')
    expect(skipped).toEqual([
      expect.objectContaining({ target: 'nightly', details: expect.objectContaining({ dueAt: '2026-04-03T01:00:00.000Z' }) }),
    ])
    expect(await scheduled()).toHaveLength(3)
  })

  it('a run left going by a process that died is recorded interrupted when a server starts: audited and told', async () => {
    const started = '2026-04-03T01:00:00.000Z'
    await p.state.writeTransaction((tx) =>
      tx
        .insertInto('schedule_runs')
        .values({
          id: 'sched-killed',
          schedule: 'nightly',
          job: 'snapshot-create',
          outcome: 'running',
          due_at: started,
          last_due_at: started,
          occurrences: 1,
          started_at: started,
          ended_at: null,
          summary: null,
          owner_host: HOST,
          // Beyond any pid Linux hands out (pid_max is at most 2^22).
          owner_pid: 2 ** 22 + 1,
        })
        .execute(),
    )
    const stop = new AbortController()
    const runner = new ScheduleRunner(p, { stop: stop.signal, now: () => now })
    await runner.start()
    stop.abort()
    await runner.stop()
    expect(await status()).toMatchObject({
      lastRun: { id: 'sched-killed', outcome: 'interrupted' },
      problem: expect.stringContaining('last run interrupted'),
    })
    const event = (await listAudit(p.state.db)).findLast((e) => e.action === 'schedule.run')
    expect(event).toMatchObject({ outcome: 'failure', details: expect.objectContaining({ run: 'sched-killed', result: 'interrupted' }) })
    const told = await p.state.db.selectFrom('notifications').selectAll().where('kind', '=', 'schedule_failed').execute()
    expect(told.map((n) => JSON.parse(n.message).text)).toEqual([expect.stringContaining('Outcome: interrupted')])
  })
})
