import { readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { portVariable, SamplePlatform } from '../../src/demo/sample-platform.js'

const APPS = ['staff', 'inventory', 'handouts', 'medication-auth', 'checkin-kiosk']
let p: SamplePlatform

beforeEach(async () => {
  p = await SamplePlatform.create()
  for (const app of APPS) await p.deploy(app, 'v1')
  await p.start()
  expect((await p.cli(['init'])).code).toBe(0)
})
afterEach(async () => {
  await p.destroy()
})

async function platformSnapshot(): Promise<{ id: string; members: Record<string, string> }> {
  const r = await p.cli(['--json', 'snapshot', 'create', '--all', '--reason', 'nightly'])
  expect(r.code, r.stderr).toBe(0)
  const out = JSON.parse(r.stdout) as {
    platformSnapshot: string
    snapshots: { app: string; id: string; platformSnapshot: string; createdAt: string }[]
  }
  for (const s of out.snapshots) expect(s.platformSnapshot).toBe(out.platformSnapshot)
  return { id: out.platformSnapshot, members: Object.fromEntries(out.snapshots.map((s) => [s.app, s.id])) }
}

const healthy = async (app: string) =>
  (await fetch(`http://127.0.0.1:${p.env[portVariable(app)]}/health`).catch(() => undefined))?.status === 200

describe('platform snapshots', () => {
  it('snapshot create --all takes every app under one id that list and show print', async () => {
    const r = await p.cli(['snapshot', 'create', '--all', '--label', 'before-upgrade'])
    expect(r.code, r.stderr).toBe(0)
    const id = /platform snapshot (ps-\S+)/.exec(r.stdout)![1]!
    const list = JSON.parse((await p.cli(['--json', 'snapshot', 'list'])).stdout).snapshots as {
      id: string
      app: string
      platformSnapshot: string
    }[]
    expect(
      list
        .filter((s) => s.platformSnapshot === id)
        .map((s) => s.app)
        .sort(),
    ).toEqual([...APPS].sort())
    const human = (await p.cli(['snapshot', 'list', 'staff'])).stdout
    expect(human).toMatch(/PLATFORM/)
    expect(human).toContain(id)
    expect((await p.cli(['snapshot', 'show', list.find((s) => s.app === 'staff')!.id])).stdout).toContain(`platform   ${id}`)
    const audit = (await p.cli(['--json', 'audit', 'log'])).stdout
    expect(audit).toContain('snapshot.platform')
  }, 60_000)

  it('rollback of several apps --to a platform snapshot restores each to its member; bad targets are refused', async () => {
    const ps = await platformSnapshot()
    await p.deploy('staff', 'v2', { healthy: false })
    await p.deploy('inventory', 'v2', { healthy: false })
    const r = await p.cli([
      '--json',
      'rollback',
      'staff',
      'inventory',
      '--to',
      ps.id,
      '--reason',
      'back to the nightly state',
      '--scenario',
      'error_rate',
      '--yes',
    ])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout).report
    expect(report.apps.map((a: { app: string; target: string; outcome: string }) => [a.app, a.target, a.outcome])).toEqual([
      ['staff', ps.members.staff, 'restored'],
      ['inventory', ps.members.inventory, 'restored'],
    ])
    for (const app of ['staff', 'inventory']) expect(await readlink(join(p.dir, 'apps', app, 'current'))).toBe('releases/v1')

    const several = await p.cli(['rollback', 'staff', 'inventory', '--to', ps.members.staff!, '--reason', 'x', '--yes'])
    expect(several.code).toBe(2)
    expect(several.stderr).toContain('takes exactly one app')
    const unknown = await p.cli(['rollback', 'staff', '--to', 'ps-20000101-000000-0000', '--reason', 'x', '--yes'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no platform snapshot "ps-20000101-000000-0000"')
    const both = await p.cli(['snapshot', 'create', 'staff', '--all'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--all takes every app')
  }, 60_000)
})

describe('lastgood incident declare complete_system_failure', () => {
  it('recovers every app from a platform snapshot in priority order, each validated before the next, within the RTO', async () => {
    const ps = await platformSnapshot()
    for (const app of APPS) await p.deploy(app, 'v2', { healthy: false })
    for (const app of APPS) expect(await healthy(app)).toBe(false)

    const r = await p.cli([
      '--json',
      'incident',
      'declare',
      'complete_system_failure',
      '--scope',
      'all',
      '--to',
      ps.id,
      '--reason',
      'drill',
    ])
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.runbook.outcome).toBe('succeeded')
    expect(out.incident.status).toBe('monitoring')
    const recover = out.runbook.steps.find((s: { kind: string }) => s.kind === 'recover')
    const apps = recover.data.apps as { app: string; outcome: string; target: string; startedAt: string; validatedAt: string }[]
    expect(apps.map((a) => [a.app, a.outcome, a.target])).toEqual(APPS.map((a) => [a, 'restored', ps.members[a]]))
    for (let i = 1; i < apps.length; i++)
      expect(Date.parse(apps[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(apps[i - 1]!.validatedAt))
    for (const app of APPS) expect(await healthy(app)).toBe(true)
    const recoveredMs = Date.parse(apps.at(-1)!.validatedAt) - Date.parse(out.incident.openedAt)
    expect(recoveredMs).toBeLessThan(15 * 60_000)

    const evidence = out.runbook.steps[0]
    expect(evidence).toMatchObject({ kind: 'preserve_evidence', outcome: 'succeeded' })
    expect((evidence.data.snapshots as { app: string }[]).map((s) => s.app)).toEqual(APPS)
    const verify = await p.cli(['audit', 'verify'])
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
  }, 120_000)

  it('refuses an unknown platform snapshot before anything is declared', async () => {
    const r = await p.cli([
      'incident',
      'declare',
      'complete_system_failure',
      '--scope',
      'all',
      '--to',
      'ps-20000101-000000-0000',
      '--reason',
      'drill',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no platform snapshot')
    expect(JSON.parse((await p.cli(['--json', 'incident', 'list'])).stdout).incidents).toEqual([])
  }, 30_000)
})
