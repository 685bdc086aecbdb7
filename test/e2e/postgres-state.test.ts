import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { assertPostgresReachable, engines, type StateFixture } from '../helpers/state-engines.js'

beforeAll(assertPostgresReachable)

let p: SamplePlatform | undefined
let fixture: StateFixture | undefined
afterEach(async () => {
  await p?.destroy()
  await fixture?.cleanup()
  p = undefined
  fixture = undefined
})

describe('PostgreSQL state shared by two replicas', () => {
  it('both see one set of snapshots, one lock per app and one audit chain', async () => {
    fixture = await engines.find((e) => e.name === 'postgres')!.fixture()
    // Two replicas: each its own state_dir, both the same PostgreSQL schema and the same repository.
    const shared = `${fixture.configBlock}repository:\n  path: ./shared-repo\n  key_file: ./shared.key\n`
    p = await SamplePlatform.create({ configText: `${shared}${singleAppConfig({ restart: 'sleep 2' })}` })
    const replicaB = join(p.dir, 'replica-b.yaml')
    await writeFile(replicaB, `state_dir: .lastgood-b\n${shared}${singleAppConfig({ restart: 'sleep 2' })}`)
    const b = (args: string[]) => p!.cli(['--config', replicaB, ...args])

    await p.deploy('staff', 'v1')
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)
    const snap = JSON.parse((await p.cli(['--json', 'snapshot', 'create', 'staff'])).stdout).snapshots[0].id
    expect(JSON.parse((await b(['--json', 'snapshot', 'list'])).stdout).snapshots.map((s: { id: string }) => s.id)).toEqual([snap])

    await p.deploy('staff', 'v2', { healthy: false })
    const [fromA, fromB] = await Promise.all([
      p.cli(['rollback', 'staff', '--reason', 'replica a', '--yes']),
      new Promise((ok) => setTimeout(ok, 300)).then(() => b(['rollback', 'staff', '--reason', 'replica b', '--yes'])),
    ])
    expect([fromA.code, fromB.code].sort()).toEqual([0, 3])
    expect((fromA.code === 3 ? fromA : fromB).stderr).toContain('app:staff is locked by rollback')

    const fromBoth = [
      JSON.parse((await p.cli(['--json', 'audit', 'verify'])).stdout),
      JSON.parse((await b(['--json', 'audit', 'verify'])).stdout),
    ]
    expect(fromBoth[0].ok).toBe(true)
    expect(fromBoth[1]).toMatchObject({ ok: true, events: fromBoth[0].events, headHash: fromBoth[0].headHash })
    expect(JSON.parse((await b(['--json', 'status', 'staff'])).stdout).apps[0].lastRollback.status).toBe('succeeded')
  }, 90_000)
})
