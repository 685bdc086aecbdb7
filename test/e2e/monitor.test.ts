import { readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { StreamingCli } from '../helpers/monitor-process.js'

let p: SamplePlatform | undefined
const running: StreamingCli[] = []

afterEach(async () => {
  for (const m of running.splice(0)) await m.stop()
  await p?.destroy()
  p = undefined
})

/** staff v1 running and snapshotted (known good), with the given triggers; then v2 deployed as `v2`. */
async function platform(triggers: string, v2: { healthy: boolean }, extra = ''): Promise<SamplePlatform> {
  p = await SamplePlatform.create({ configText: singleAppConfig({ extra: `    triggers:\n${triggers}${extra}` }) })
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  const snap = await p.cli(['--json', 'snapshot', 'create', 'staff'])
  expect(JSON.parse(snap.stdout).snapshots[0].knownGood).toBe(true)
  await p.deploy('staff', 'v2', v2)
  return p
}

function monitor(sp: SamplePlatform, env: Record<string, string> = {}): StreamingCli {
  const m = new StreamingCli(sp, ['monitor', 'staff'], env)
  running.push(m)
  return m
}

const live = (sp: SamplePlatform) => readlink(join(sp.dir, 'apps/staff/current'))
const runs = (sp: SamplePlatform) => {
  const db = new Database(join(sp.dir, '.lastgood/state.db'), { readonly: true })
  try {
    return db.prepare('select id, status, actor from rollback_runs').all() as { id: string; status: string; actor: string }[]
  } finally {
    db.close()
  }
}

describe('lastgood monitor', () => {
  it('rolls a bad deploy back on its own, then escalates instead of rolling back again when the restored state fails too', async () => {
    const sp = await platform('      health: { kind: health_failures, action: rollback }\n', { healthy: false })
    const m = monitor(sp)
    const fired = await m.waitFor((e) => e.type === 'trigger.firing')
    expect(fired).toMatchObject({ app: 'staff', trigger: 'health' })
    expect(fired.at).toMatch(/\.\d{3}Z$/)
    const done = await m.waitFor((e) => e.type === 'rollback.done')
    expect(done.outcome).toBe('success')
    expect(await live(sp)).toBe('releases/v1')
    expect(runs(sp)).toEqual([expect.objectContaining({ status: 'succeeded', actor: 'lastgood-monitor' })])

    // A dependency breaks: v1 is bad now too. Within the cooldown that is an escalation, not a second rollback.
    await writeFile(join(sp.dir, 'apps/staff/outage.json'), JSON.stringify({ healthy: false }))
    const escalated = await m.waitFor((e) => e.type === 'escalation.recorded')
    expect(escalated.message).toMatch(/restored by the last automatic rollback fails too/)
    await new Promise((r) => setTimeout(r, 3000))
    expect(runs(sp)).toHaveLength(1)
    expect(m.events.filter((e) => e.type === 'rollback.done')).toHaveLength(1)
    expect(m.events.filter((e) => e.type === 'escalation.recorded' && !e.data.existing)).toHaveLength(1)
    expect(await live(sp)).toBe('releases/v1')

    expect(await m.stop()).toEqual({ code: 0, signal: null })
    expect(m.events.at(-1)?.type).toBe('monitor.stopped')
    const status = JSON.parse((await sp.cli(['--json', 'status', 'staff'])).stdout)
    expect(status.openIncidents).toEqual([expect.objectContaining({ type: 'critical_application_failure', scope: ['staff'] })])
    const audit = await sp.cli(['audit', 'verify'])
    expect(audit.code, audit.stdout + audit.stderr).toBe(0)
    const log = JSON.parse((await sp.cli(['--json', 'audit', 'log'])).stdout)
    const actions = (log.events as { action: string }[]).map((e) => e.action)
    for (const a of [
      'monitor.trigger.firing',
      'monitor.decision',
      'rollback.start',
      'rollback.finish',
      'monitor.rollback.done',
      'monitor.escalation.recorded',
    ])
      expect(actions).toContain(a)
  }, 60_000)

  it('a monitor killed in the middle of its rollback is finished by the next monitor, under the same run', async () => {
    const sp = await platform('      health: { kind: health_failures, action: rollback }\n', { healthy: false })
    // Killed right after the 4th durable journal write: the run began, target verified, safety snapshot taken.
    const first = monitor(sp, { LASTGOOD_FAULT_KILL_AFTER: '4' })
    await first.waitFor((e) => e.type === 'rollback.queued')
    expect((await first.exited).signal).toBe('SIGKILL')
    const [killed] = runs(sp)
    expect(killed).toMatchObject({ status: 'running' })

    const second = monitor(sp)
    const resumed = await second.waitFor((e) => e.type === 'run.resumed')
    expect(resumed.data.run).toBe(killed!.id)
    const done = await second.waitFor((e) => e.type === 'rollback.done')
    expect(done).toMatchObject({ outcome: 'success', data: expect.objectContaining({ run: killed!.id }) })
    expect(await live(sp)).toBe('releases/v1')
    expect(runs(sp)).toEqual([expect.objectContaining({ id: killed!.id, status: 'succeeded' })])
    await second.stop()
    expect((await sp.cli(['audit', 'verify'])).code).toBe(0)
  }, 60_000)

  it('an alert trigger records a pending rollback, counted across restarts, that one command runs', async () => {
    const sp = await platform('      health: { kind: health_failures, action: alert }\n', { healthy: false })
    // Three separate one-round monitors: the failure streak lives in the state database, not in a process.
    for (let i = 0; i < 2; i++) {
      const once = JSON.parse((await sp.cli(['--json', 'monitor', 'staff', '--once'])).stdout)
      expect(once.triggers).toEqual([expect.objectContaining({ trigger: 'health', phase: 'inactive', streak: i + 1 })])
    }
    const third = await sp.cli(['--json', 'monitor', 'staff', '--once'])
    const alert = (JSON.parse(third.stdout).events as { type: string; data: { pending: string; command: string } }[]).find(
      (e) => e.type === 'alert.recorded',
    )
    expect(alert?.data.command).toBe(`lastgood rollback --pending ${alert!.data.pending} --yes`)
    expect(await live(sp)).toBe('releases/v2')
    expect(runs(sp)).toHaveLength(0)
    expect(JSON.parse((await sp.cli(['--json', 'status'])).stdout).pendingRollbacks).toEqual([
      expect.objectContaining({ id: alert!.data.pending, app: 'staff' }),
    ])

    const ran = await sp.cli(['--json', 'rollback', '--pending', alert!.data.pending, '--yes'])
    expect(ran.code, ran.stderr).toBe(0)
    expect(await live(sp)).toBe('releases/v1')
    expect(JSON.parse((await sp.cli(['--json', 'status'])).stdout).pendingRollbacks).toEqual([])
    const again = await sp.cli(['rollback', '--pending', alert!.data.pending, '--yes'])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/already done/)
  }, 60_000)
})

describe('lastgood watch', () => {
  it('vouches for a deploy whose soak passes, and rolls back one whose trigger fires', async () => {
    const sp = await platform(
      '      health: { kind: health_failures, action: rollback }\n      errors: { kind: error_rate, above: 5%, over_requests: 100 }\n',
      { healthy: true },
    )
    const good = await sp.cli(['--json', 'watch', 'staff', '--for', '3s'])
    expect(good.code, good.stderr).toBe(0)
    const watched = JSON.parse(good.stdout).watch
    expect(watched).toMatchObject({ outcome: 'passed', versions: { release: 'v2' } })
    const list = JSON.parse((await sp.cli(['--json', 'snapshot', 'list', 'staff'])).stdout)
    expect(list.snapshots.find((s: { id: string }) => s.id === watched.snapshot)).toMatchObject({ kind: 'deploy', knownGood: true })

    await sp.deploy('staff', 'v3', { healthy: false })
    const bad = await sp.cli(['--json', 'watch', 'staff', '--for', '30s'])
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stdout).watch).toMatchObject({ outcome: 'rolled-back', versions: { release: 'v3' } })
    // Back to the state the first watch vouched for, not further.
    expect(await live(sp)).toBe('releases/v2')
    const after = JSON.parse((await sp.cli(['--json', 'snapshot', 'list', 'staff'])).stdout)
    expect(after.snapshots.filter((s: { kind: string; knownGood: boolean }) => s.kind === 'deploy' && !s.knownGood)).toHaveLength(1)
    expect((await sp.cli(['watch', 'staff', '--for', 'soon'])).code).toBe(2)
  }, 60_000)
})
