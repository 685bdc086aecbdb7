import { mkdir, readFile, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { rollbackTargetsConfig } from '../helpers/configs.js'
import { StreamingCli } from '../helpers/monitor-process.js'
import { unfold } from '../helpers/unfold.js'

/** RELIABILITY case 16 through the real CLI: plain rollback, the monitor, a runbook, status and snapshot list. */
const ALL_ROWS = '{"rows":[1,2,3,4,5,6]}'
const HALF_ROWS = '{"rows":[1,2,3]}'

let p: SamplePlatform | undefined
let monitor: StreamingCli | undefined
afterEach(async () => {
  await monitor?.stop()
  await p?.destroy()
  monitor = undefined
  p = undefined
})

async function platform(): Promise<SamplePlatform> {
  p = await SamplePlatform.create({ configText: rollbackTargetsConfig() })
  await p.deploy('staff', 'v1')
  await p.deploy('inventory', 'v1')
  await mkdir(join(p.dir, 'data'), { recursive: true })
  await writeFile(join(p.dir, 'data/records.json'), ALL_ROWS)
  await p.start(['staff', 'inventory'])
  expect((await p.cli(['init'])).code).toBe(0)
  return p
}

async function json(sp: SamplePlatform, args: string[]) {
  const r = await sp.cli(['--json', ...args])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

const snapshot = async (sp: SamplePlatform, app: string, kind: string): Promise<string> =>
  (await json(sp, ['snapshot', 'create', app, '--kind', kind])).snapshots[0].id as string

describe('rollback targets', () => {
  it('case 16: after a person rolls back away from a release, no plain or monitor rollback restores it again, even captured anew', async () => {
    const sp = await platform()
    const live = () => readlink(join(sp.dir, 'apps/staff/current'))
    const p1 = await snapshot(sp, 'staff', 'pre-deploy')
    await sp.deploy('staff', 'v2')
    const s2 = await snapshot(sp, 'staff', 'scheduled')
    const { report } = await json(sp, ['rollback', 'staff', '--reason', 'v2 bills patients twice', '--yes'])
    const away = report.apps[0]
    expect(away).toMatchObject({ target: p1, from: { release: 'v2' }, to: { release: 'v1' } })

    const again = await sp.cli(['rollback', 'staff', '--reason', 'roll back once more', '--yes'])
    expect(again.code, again.stdout).toBe(2)
    expect(again.stderr).toContain(`${away.safety} (a safety snapshot)`)
    expect(again.stderr).toContain(`${s2} (holds release=v2, rejected: rollback ${report.run} moved away from it)`)
    expect(await live()).toBe('releases/v1')
    const list = (await json(sp, ['snapshot', 'list', 'staff'])).snapshots
    expect(list.find((s: { id: string }) => s.id === s2)).toMatchObject({
      rejected: [{ component: 'release', version: 'v2', run: report.run }],
    })
    expect(list.find((s: { id: string }) => s.id === away.safety)).toMatchObject({
      kind: 'safety',
      knownGood: false,
      namedOnly: 'a safety snapshot',
    })
    const human = (await sp.cli(['snapshot', 'list', 'staff'])).stdout
    expect(human).toMatch(new RegExp(`${s2} .*rejected: release=v2`))
    expect(human).toMatch(new RegExp(`${away.safety} .*only --to`))

    // v2 is deployed again and captured again; then a broken v3. status, the monitor: v1.
    await sp.deploy('staff', 'v2')
    const s3 = await snapshot(sp, 'staff', 'scheduled')
    // A capture of the rejected release, and a soak it passes, say that no automatic rollback restores it.
    const captured = await sp.cli(['snapshot', 'create', 'staff'])
    expect(unfold(captured.stdout)).toMatch(
      /rejected: release=v2 \(restored only with --to, until `lastgood snapshot mark-good staff-\S+`\)/,
    )
    const watched = await sp.cli(['watch', 'staff', '--for', '2s'])
    expect(watched.code, watched.stdout + watched.stderr).toBe(0)
    expect(watched.stdout).toContain(
      `but it holds release=v2 (rejected by rollback ${report.run}), so automatic rollbacks restore it only once a person runs`,
    )
    await sp.deploy('staff', 'v3', { healthy: false })
    expect((await sp.cli(['status', 'staff'])).stdout).toMatch(new RegExp(`staff +release +v3 +v1 from ${p1} \\(pre-deploy`))
    monitor = new StreamingCli(sp, ['monitor', 'staff'])
    const done = await monitor.waitFor((e) => e.type === 'rollback.done', 30_000)
    expect(done).toMatchObject({ outcome: 'success', data: { target: p1, to: { release: 'v1' } } })
    expect(await live()).toBe('releases/v1')
    await monitor.stop()

    // A person's mark-good ends the rejection; a safety snapshot cannot be vouched for, only named.
    const vouched = await sp.cli(['snapshot', 'mark-good', s3, '--reason', 'the billing bug was upstream'])
    expect(vouched.stdout).toContain(`no longer rejected: release=v2 (rejected by rollback ${report.run})`)
    const safety = await sp.cli(['snapshot', 'mark-good', away.safety])
    expect(safety.code).toBe(2)
    expect(safety.stderr).toContain(`lastgood rollback staff --to ${away.safety}`)
    expect((await sp.cli(['audit', 'verify'])).code).toBe(0)
  }, 120_000)

  it('case 16: a data_corruption runbook restores the pre-deploy rows, not the safety snapshot of half of them', async () => {
    const sp = await platform()
    const pre = await snapshot(sp, 'inventory', 'pre-deploy')
    await sp.deploy('inventory', 'v2')
    await writeFile(join(sp.dir, 'data/records.json'), HALF_ROWS)
    const first = await json(sp, ['rollback', 'inventory', '--component', 'records', '--reason', 'half the rows were deleted', '--yes'])
    expect(first.report.apps[0].target).toBe(pre)

    await writeFile(join(sp.dir, 'data/records.json'), 'CORRUPTED')
    const declared = await sp.cli([
      '--json',
      'incident',
      'declare',
      'data_corruption',
      '--scope',
      'inventory',
      '--reason',
      'records corrupted',
    ])
    expect(declared.code, declared.stderr).toBe(0)
    expect(await readFile(join(sp.dir, 'data/records.json'), 'utf8')).toBe(ALL_ROWS)
    // status names what a release rollback would use, not a snapshot of the records alone.
    const status = (await json(sp, ['status', 'inventory'])).apps[0]
    expect(status.lastKnownGood.id).toBe(pre)
    expect(
      status.components.map((c: { name: string; rollbackTarget: { snapshot: string } | null }) => [
        c.name,
        c.rollbackTarget?.snapshot ?? null,
      ]),
    ).toEqual([
      ['release', pre],
      ['records', null],
    ])
  }, 90_000)
})
