import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

let p: SamplePlatform | undefined
afterEach(async () => {
  await p?.destroy()
  p = undefined
})

describe('snapshot prune', () => {
  it('keeps the last N and the newest known good, removes the rest and only data nothing needs', async () => {
    p = await SamplePlatform.create({ configText: singleAppConfig({ retention: '{ keep_last: 3, keep_within: 1ms }' }) })
    await p.deploy('staff', 'v1')
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)
    const snap = async () => JSON.parse((await p!.cli(['--json', 'snapshot', 'create', 'staff'])).stdout).snapshots[0].id as string
    const good = await snap()
    const bad: string[] = []
    for (let i = 2; i <= 6; i++) {
      await p.deploy('staff', `v${i}`, { healthy: false }, { [`public/only-in-v${i}.bin`]: `release ${i} `.repeat(5000) })
      bad.push(await snap())
    }
    const dry = JSON.parse((await p.cli(['--json', 'snapshot', 'prune', '--dry-run'])).stdout)
    expect(dry.removed.map((s: { id: string }) => s.id).sort()).toEqual([bad[0], bad[1]].sort())
    expect(JSON.parse((await p.cli(['--json', 'snapshot', 'list'])).stdout).snapshots).toHaveLength(6)

    const r = await p.cli(['--json', 'snapshot', 'prune'])
    expect(r.code, r.stderr).toBe(0)
    const kept = JSON.parse((await p.cli(['--json', 'snapshot', 'list'])).stdout).snapshots.map((s: { id: string }) => s.id)
    expect(kept.sort()).toEqual([good, bad[2], bad[3], bad[4]].sort())
    expect((await p.cli(['snapshot', 'verify', '--read-data'])).code).toBe(0)
    const rb = await p.cli(['rollback', 'staff', '--reason', 'after prune', '--yes'])
    expect(rb.code, rb.stderr + rb.stdout).toBe(0)
  }, 90_000)

  it('never removes what an unfinished rollback still needs: its target and its safety snapshot', async () => {
    p = await SamplePlatform.create({ configText: singleAppConfig({ retention: '{ keep_last: 1, keep_within: 1ms }' }) })
    await p.deploy('staff', 'v1')
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)
    expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
    await p.deploy('staff', 'v2', { healthy: false })
    // Killed right after its first restore step began: the safety snapshot exists, the run is unfinished.
    const killed = await p.cli(['rollback', 'staff', '--reason', 'crash', '--yes'], { env: { LASTGOOD_FAULT_KILL_AFTER: '6' } })
    expect(killed.code).not.toBe(0)
    const listed = JSON.parse((await p.cli(['--json', 'snapshot', 'list'])).stdout).snapshots as { id: string; kind: string }[]
    const safety = listed.find((s) => s.kind === 'safety')!
    expect(safety).toBeDefined()
    expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
    const pruned = await p.cli(['--json', 'snapshot', 'prune'])
    expect(pruned.code, pruned.stderr).toBe(0)
    const kept = JSON.parse((await p.cli(['--json', 'snapshot', 'list'])).stdout).snapshots.map((s: { id: string }) => s.id)
    expect(kept).toContain(safety.id)
    const run = JSON.parse((await p.cli(['--json', 'status', 'staff'])).stdout).apps[0].lastRollback.id
    const resumed = await p.cli(['rollback', '--resume', run, '--reason', 'finish it', '--yes'])
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0)
  }, 90_000)
})
