import { readFile, writeFile } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { unfold } from '../helpers/unfold.js'

let p: SamplePlatform | undefined
afterAll(async () => {
  await p?.destroy()
})

interface Check {
  area: string
  target: string
  outcome: string
  message: string
}

describe('renaming an app', () => {
  it('validate lists the snapshots of an app no longer configured, with both fixes; prune --unconfigured removes them', async () => {
    p = await SamplePlatform.create({ configText: singleAppConfig() })
    await p.deploy('staff', 'v1')
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)
    const ids: string[] = []
    for (let i = 0; i < 2; i++) ids.push(JSON.parse((await p.cli(['--json', 'snapshot', 'create', 'staff'])).stdout).snapshots[0].id)

    // The app is renamed in the configuration; its two snapshots still carry the old name.
    await writeFile(p.configFile, (await readFile(p.configFile, 'utf8')).replace('\n  staff:\n', '\n  staff-web:\n'))
    const human = await p.cli(['validate'])
    expect(human.code, human.stderr).toBe(0)
    expect(unfold(human.stdout)).toMatch(/snapshots +staff +WARNING +2 snapshot\(s\) of app "staff", which the configuration no longer has/)
    const json = await p.cli(['--json', 'validate'])
    const orphan = (JSON.parse(json.stdout).checks as Check[]).find((c) => c.target === 'staff')
    expect(orphan).toEqual({
      area: 'snapshots',
      target: 'staff',
      outcome: 'warning',
      message:
        `2 snapshot(s) of app "staff", which the configuration no longer has (the latest: ${ids[1]}): ` +
        'rename the app back to "staff" to roll back to them, or remove them with `lastgood snapshot prune --unconfigured`',
    })

    // The app goes on under its new name; a plain prune keeps the old name's snapshots (it prunes configured apps).
    expect((await p.cli(['snapshot', 'create', 'staff-web'])).code).toBe(0)
    expect(JSON.parse((await p.cli(['--json', 'snapshot', 'prune'])).stdout).removed).toEqual([])
    const pruned = await p.cli(['--json', 'snapshot', 'prune', '--unconfigured'])
    expect(pruned.code, pruned.stderr).toBe(0)
    expect(
      JSON.parse(pruned.stdout)
        .removed.map((s: { id: string }) => s.id)
        .sort(),
    ).toEqual([...ids].sort())
    const after = JSON.parse((await p.cli(['--json', 'validate'])).stdout).checks as Check[]
    expect(after.filter((c) => c.area === 'snapshots')).toEqual([])
  }, 60_000)
})
