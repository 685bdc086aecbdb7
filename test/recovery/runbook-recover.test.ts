import { execFile } from 'node:child_process'
import { readFile, readlink } from 'node:fs/promises'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { portVariable, SAMPLE_APP_CTL, type SamplePlatform } from '../../src/demo/sample-platform.js'
import { resolveRecoveryTarget } from '../../src/snapshots/platform-snapshot.js'
import type { AppRecovery } from '../../src/recovery/runbook/steps/recover-step.js'
import { RunbookFixture } from './runbook-fixture.js'

const run = promisify(execFile)
let f: RunbookFixture | undefined
let detached: string[] = []

afterEach(async () => {
  for (const pidFile of detached) await run(process.execPath, [SAMPLE_APP_CTL, 'stop', '--pid-file', pidFile]).catch(() => undefined)
  detached = []
  await f?.destroy()
  f = undefined
})

/** Recovered apps in order, each validated before the next one started. */
function expectOneAfterAnother(apps: AppRecovery[]): void {
  for (let i = 1; i < apps.length; i++) {
    expect(Date.parse(apps[i]!.startedAt), `${apps[i]!.app} started before ${apps[i - 1]!.app} was validated`).toBeGreaterThanOrEqual(
      Date.parse(apps[i - 1]!.validatedAt!),
    )
  }
}

describe('recover step', () => {
  it('complete_system_failure: every app of the example platform back from a platform snapshot, in priority order', async () => {
    const names = ['staff', 'inventory', 'handouts', 'medication-auth', 'checkin-kiosk']
    f = await RunbookFixture.create(undefined, async (s) => {
      for (const n of names) await s.deploy(n, 'v1')
      await s.start()
    })
    const taken = await f.sample.cli(['--json', 'snapshot', 'create', '--all', '--label', 'nightly'])
    expect(taken.code, taken.stderr).toBe(0)
    const { platformSnapshot, snapshots } = JSON.parse(taken.stdout)
    expect(platformSnapshot).toMatch(/^ps-\d{8}-\d{6}-[0-9a-f]{4}$/)
    expect(snapshots.map((s: { app: string }) => s.app).sort()).toEqual([...names].sort())
    expect((await f.sample.cli(['snapshot', 'list'])).stdout).toContain(platformSnapshot)
    const targets = await resolveRecoveryTarget(f.p.state.db, platformSnapshot, ['inventory', 'staff'])
    expect([...targets.keys()]).toEqual(['inventory', 'staff'])
    await expect(resolveRecoveryTarget(f.p.state.db, platformSnapshot, ['staff', 'billing'])).rejects.toThrow(
      `platform snapshot ${platformSnapshot} has no snapshot of app billing`,
    )
    await expect(resolveRecoveryTarget(f.p.state.db, 'ps-20000101-000000-0000', ['staff'])).rejects.toThrow(
      'no platform snapshot "ps-20000101-000000-0000"',
    )
    await expect(resolveRecoveryTarget(f.p.state.db, targets.get('staff')!, ['staff', 'inventory'])).rejects.toThrow(
      'takes exactly one app',
    )
    await expect(resolveRecoveryTarget(f.p.state.db, targets.get('staff')!, ['inventory'])).rejects.toThrow(
      'belongs to app staff, not inventory',
    )
    for (const n of names) await f.sample.deploy(n, 'v2', { healthy: false })

    const incident = await f.declare('complete_system_failure', names, platformSnapshot)
    const result = await f.run(incident)
    expect(result.outcome, JSON.stringify(result.steps, null, 1)).toBe('succeeded')
    const apps = result.steps.find((s) => s.kind === 'recover')!.data.apps as AppRecovery[]
    expect(apps.map((a) => [a.app, a.outcome, a.target])).toEqual(
      names.map((n) => [n, 'restored', snapshots.find((s: { app: string }) => s.app === n).id]),
    )
    expectOneAfterAnother(apps)
    for (const n of names) expect(await readlink(f.path(`apps/${n}/current`))).toBe('releases/v1')
    expect((await readFile(f.path('apps/medication-auth/edge/version'), 'utf8')).trim()).toBe('v1')
    const timeline = await f.timeline(incident.id)
    expect(timeline.filter((e) => e.kind === 'recovery.app').map((e) => e.data.app)).toEqual(names)
    expect((await f.incident(incident.id)).status).toBe('monitoring')
  }, 120_000)

  it('a crashed app at its target version comes back through its restart; without one the failure says so; a healthy app is left alone', async () => {
    const node = process.execPath
    const ctl = (name: string) =>
      `'"${node}" "${SAMPLE_APP_CTL}" restart --root . --port \${${portVariable(name)}} --name ${name} --pid-file ../${name}.pid --log ../${name}.log'`
    const app = (name: string, priority: number, restart: boolean) => `  ${name}:
    priority: ${priority}
    health: { checks: [{ name: health, url: "http://127.0.0.1:\${${portVariable(name)}}/health" }] }
    components:
      release:
        provider: local-release
        path: ./apps/${name}
${restart ? `        restart: ${ctl(name)}\n` : ''}`
    const config = `version: 1
platform: test
defaults:
  health: { interval: 1s, timeout: 2s }
  rollback: { validation: { window: 3s, passes: 2, interval: 200ms } }
apps:
${app('staff', 1, true)}${app('inventory', 2, false)}${app('handouts', 3, false)}`
    const startDetached = async (s: SamplePlatform, name: string) => {
      const root = f ? f.path(`apps/${name}`) : `${s.dir}/apps/${name}`
      const pidFile = `${root}/../${name}.pid`
      await run(process.execPath, [
        SAMPLE_APP_CTL,
        'restart',
        '--root',
        root,
        '--port',
        s.env[portVariable(name)]!,
        '--name',
        name,
        '--pid-file',
        pidFile,
        '--log',
        `${root}/../${name}.log`,
      ])
      detached.push(pidFile)
      return pidFile
    }
    let pids: string[] = []
    f = await RunbookFixture.create(config, async (s) => {
      for (const n of ['staff', 'inventory', 'handouts']) await s.deploy(n, 'v1')
      pids = [await startDetached(s, 'staff'), await startDetached(s, 'inventory')]
      await s.start(['handouts'])
    })
    const taken = await f.sample.cli(['--json', 'snapshot', 'create', '--all'])
    expect(taken.code, taken.stderr).toBe(0)
    // Both processes die; nothing on disk changed, so their versions are still the known-good ones.
    for (const pidFile of pids) process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL')
    // SIGKILL returns before the process is gone: wait until neither port answers, so the restart can bind it.
    for (const name of ['staff', 'inventory']) {
      const url = `http://127.0.0.1:${f.sample.env[portVariable(name)]}/health`
      for (
        let i = 0;
        i < 100 &&
        (await fetch(url).then(
          () => true,
          () => false,
        ));
        i++
      )
        await new Promise((r) => setTimeout(r, 20))
    }

    const incident = await f.declare('critical_application_failure', ['staff', 'inventory', 'handouts'])
    const result = await f.run(incident)
    expect(result.outcome).toBe('failed')
    const apps = result.steps.find((s) => s.kind === 'recover')!.data.apps as AppRecovery[]
    expect(apps.map((a) => [a.app, a.outcome])).toEqual([
      ['staff', 'restored'],
      ['inventory', 'failed'],
      ['handouts', 'already-healthy'],
    ])
    expect(apps[1]!.error).toContain('no component has a `restart` command')
    expect(apps[2]!.run).toBeNull()
    expect((await fetch(`http://127.0.0.1:${f.sample.env[portVariable('staff')]}/health`)).status).toBe(200)
    // The failed app did not stop the recovery of the next; the step failed at the end, and the incident stays open.
    expect(result.steps.find((s) => s.kind === 'recover')!.outcome).toBe('failed')
    expect((await f.incident(incident.id)).status).toBe('mitigating')
    const done = (await f.timeline(incident.id)).find((e) => e.kind === 'rollback.done')!
    expect(done.message).toContain('staff restored, inventory failed, handouts already-healthy')
  }, 120_000)
})
