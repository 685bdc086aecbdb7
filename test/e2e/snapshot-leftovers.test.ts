import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

let p: SamplePlatform

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  // Two files past the 16 MiB pack size: two packs, then the index, then the snapshot.
  const big = Object.fromEntries([1, 2].map((i) => [`public/media-${i}.bin`, randomBytes(17 * 1024 * 1024)]))
  await p.deploy('staff', 'v1', { healthy: true }, big)
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
})
afterAll(async () => {
  await p?.destroy()
})

async function packs(): Promise<string[]> {
  const root = join(p.dir, '.lastgood/repo/data')
  const out: string[] = []
  for (const sub of await readdir(root).catch(() => []))
    for (const f of await readdir(join(root, sub))) if (!f.startsWith('.tmp')) out.push(f)
  return out
}

/** `snapshot create` SIGKILLed as soon as its first pack is durable: before its index, long before its snapshot. */
async function killMidCapture(): Promise<void> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/lastgood.cjs'), '--config', p.configFile, 'snapshot', 'create', 'staff'], {
    cwd: p.dir,
    env: { ...process.env, ...p.env, LASTGOOD_ACTOR: 'demo' },
    stdio: 'ignore',
  })
  const exited = new Promise<NodeJS.Signals | null>((ok) => child.once('exit', (_code, signal) => ok(signal)))
  const deadline = Date.now() + 60_000
  while ((await packs()).length === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 5))
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
}

describe('snapshot verify after an interrupted snapshot', () => {
  it('calls the leftovers unreferenced and removable by prune, never damaged, in human and --json output', async () => {
    await killMidCapture()
    expect(await packs()).not.toEqual([])
    expect(JSON.parse((await p.cli(['--json', 'snapshot', 'list'])).stdout).snapshots).toEqual([])

    const human = await p.cli(['snapshot', 'verify'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).not.toMatch(/DAMAGED/)
    expect(human.stdout).toMatch(
      /^unreferenced pack [0-9a-f]{64}: in no index \(left by an interrupted write\): no snapshot uses it, and prune removes it$/m,
    )
    expect(human.stdout).toMatch(/^no damage found; \d+ unreferenced pack\(s\), removed by `lastgood snapshot prune`$/m)

    const json = JSON.parse((await p.cli(['--json', 'snapshot', 'verify'])).stdout)
    expect(json.ok).toBe(true)
    expect(json.problems).toEqual([])
    expect(json.unreferenced.length).toBeGreaterThan(0)
    expect(json.unreferenced[0]).toEqual({ object: expect.stringMatching(/^[0-9a-f]{64}$/), message: expect.stringContaining('prune') })

    expect((await p.cli(['snapshot', 'prune'])).code).toBe(0)
    const after = JSON.parse((await p.cli(['--json', 'snapshot', 'verify'])).stdout)
    expect(after).toMatchObject({ ok: true, problems: [], unreferenced: [] })
    expect(await packs()).toEqual([])
  }, 120_000)
})
