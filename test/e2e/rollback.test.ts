import { readlink, rm, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'

let p: SamplePlatform

beforeEach(async () => {
  p = await SamplePlatform.create()
  await p.deploy('staff', 'v1')
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
})
afterEach(async () => {
  await p.destroy()
})

const staffRoot = () => {
  const c = p.app('staff').components[0]!
  if (c.provider !== 'local-release') throw new Error('staff release is local-release')
  return c.path
}

async function snapshotStaff(): Promise<string> {
  const r = await p.cli(['--json', 'snapshot', 'create', 'staff', '--kind', 'pre-deploy'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout).snapshots[0].id as string
}

/**
 * The example's decision matrix wants a person's rollback approved (test/approvals/ covers that); these tests
 * are about the restore itself, so they name the matrix's row that runs at once.
 */
const UNGATED = ['--scenario', 'error_rate']

describe('rollback of a local release', () => {
  it('restores the last known good release through the fast path and validates health', async () => {
    const good = await snapshotStaff()
    await p.deploy('staff', 'v2', { healthy: false })
    const r = await p.cli(['--json', 'rollback', 'staff', '--reason', 'v2 is broken', ...UNGATED, '--yes'])
    expect(r.code, r.stderr).toBe(0)
    const { report } = JSON.parse(r.stdout)
    expect(report.status).toBe('succeeded')
    expect(report.apps[0]).toMatchObject({
      app: 'staff',
      target: good,
      outcome: 'restored',
      from: { release: 'v2' },
      to: { release: 'v1' },
      restorePaths: { release: 'fast' },
    })
    expect(report.apps[0].validation.outcome).toBe('passed')
    expect(report.steps.map((s: { name: string }) => s.name)).toEqual(['verify', 'safety-snapshot', 'restore', 'validate'])
    for (const s of report.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0)
    // Seed 002's checks after a rollback: no monitor runs in this test, so the report says nothing watches staff.
    expect(report.watchers).toMatchObject({
      monitor: { active: false },
      snapshots: [{ app: 'staff', newestAt: expect.any(String) }],
      lastVerify: null,
    })
    expect(await readlink(join(staffRoot(), 'current'))).toBe('releases/v1')
    const status = JSON.parse((await p.cli(['--json', 'status', 'staff'])).stdout)
    expect(status.apps[0].health.state).toBe('passed')
    expect(status.apps[0].lastRollback.status).toBe('succeeded')
  })

  it('materialises the release from the repository when its directory is gone', async () => {
    await snapshotStaff()
    const before = await readFile(join(staffRoot(), 'releases/v1/public/index.html'), 'utf8')
    await p.deploy('staff', 'v2', { healthy: false })
    await rm(join(staffRoot(), 'releases/v1'), { recursive: true })
    const r = await p.cli(['--json', 'rollback', 'staff', '--reason', 'v2 is broken', ...UNGATED, '--yes'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).report.apps[0].restorePaths.release).toBe('materialise')
    expect(await readFile(join(staffRoot(), 'releases/v1/public/index.html'), 'utf8')).toBe(before)
  })

  it('--dry-run previews versions and files with sizes and changes nothing', async () => {
    await snapshotStaff()
    await p.deploy('staff', 'v2', { healthy: false }, { 'public/assets/feature.js': 'x'.repeat(1234) })
    const auditBefore = (await p.cli(['--json', 'audit', 'log'])).stdout
    const r = await p.cli(['--json', 'rollback', 'staff', '--reason', 'preview', '--dry-run'])
    expect(r.code, r.stderr).toBe(0)
    const plan = JSON.parse(r.stdout).plan[0]
    expect(plan.components[0]).toMatchObject({ name: 'release', from: 'v2', to: 'v1' })
    expect(plan.components[0].changes).toContainEqual(
      expect.objectContaining({ kind: 'removed', path: 'public/assets/feature.js', sizeBefore: 1234 }),
    )
    expect(await readlink(join(staffRoot(), 'current'))).toBe('releases/v2')
    expect((await p.cli(['--json', 'audit', 'log'])).stdout).toBe(auditBefore)
    const human = await p.cli(['rollback', 'staff', '--reason', 'preview', '--dry-run'])
    expect(human.stdout).toContain('release [local-release]: v2 → v1')
    expect(human.stdout).toContain('- public/assets/feature.js (1.2 KiB)')
  })

  it('puts the safety snapshot back when the restored release fails validation, and exits 1', async () => {
    await p.deploy('staff', 'v0', { healthy: false })
    const bad = await snapshotStaff()
    expect((await p.cli(['snapshot', 'mark-good', bad, '--reason', 'mistaken belief'])).code).toBe(0)
    await p.deploy('staff', 'v1')
    const r = await p.cli(['--json', 'rollback', 'staff', '--to', bad, '--reason', 'test the revert', ...UNGATED, '--yes'])
    expect(r.code, r.stderr).toBe(1)
    const { report } = JSON.parse(r.stdout)
    expect(report.status).toBe('failed')
    expect(report.apps[0].outcome).toBe('reverted')
    expect(report.apps[0].validation.outcome).toBe('failed')
    expect(report.steps.map((s: { name: string }) => s.name)).toEqual([
      'verify',
      'safety-snapshot',
      'restore',
      'validate',
      'revert',
      'revert-validate',
    ])
    expect(await readlink(join(staffRoot(), 'current'))).toBe('releases/v1')
    expect(JSON.parse((await p.cli(['--json', 'status', 'staff'])).stdout).apps[0].health.state).toBe('passed')
  })

  it('refuses bad requests with exit 2 and changes nothing', async () => {
    await snapshotStaff()
    await p.deploy('staff', 'v2', { healthy: false })
    const noReason = await p.cli(['rollback', 'staff', '--yes'])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain('--reason')
    const unknownApp = await p.cli(['rollback', 'nurses', '--reason', 'x', '--yes'])
    expect(unknownApp.code).toBe(2)
    expect(unknownApp.stderr).toContain('unknown app "nurses"')
    const unknownSnap = await p.cli(['rollback', 'staff', '--to', 'nope', '--reason', 'x', '--yes'])
    expect(unknownSnap.code).toBe(2)
    const badOption = await p.cli(['rollback', 'staff', '--frobnicate'])
    expect(badOption.code).toBe(2)
    expect(await readlink(join(staffRoot(), 'current'))).toBe('releases/v2')
  })

  it('says so, exit 2, when nothing known good differs from what runs', async () => {
    await snapshotStaff()
    const r = await p.cli(['rollback', 'staff', '--reason', 'nothing to do', '--yes'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no known-good snapshot of staff differs from what runs now')
  })
})
