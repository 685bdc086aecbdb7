import { execFile } from 'node:child_process'
import { readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { lastgoodOnPath } from '../helpers/lastgood-on-path.js'

const run = promisify(execFile)
let p: SamplePlatform
let bin: string

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  expect((await p.cli(['init'])).code).toBe(0)
  await p.start(['staff'])
  bin = await lastgoodOnPath(p.dir)
}, 60_000)

afterAll(async () => {
  await p?.destroy()
})

/** examples/ci/deploy-gate.sh, whose deploy command points `current` at a release written beforehand. */
async function deployScript(version: string): Promise<{ code: number; out: string }> {
  const release = join(p.dir, 'apps/staff')
  const deploy = `ln -sfn releases/${version} ${release}/current.new && mv -T ${release}/current.new ${release}/current`
  const env = {
    ...process.env,
    ...p.env,
    PATH: `${bin}:${process.env.PATH}`,
    LASTGOOD_CONFIG: p.configFile,
    WATCH_FOR: '3s',
  }
  return run('bash', [join(PACKAGE_ROOT, 'examples/ci/deploy-gate.sh'), 'staff', version, '--', 'sh', '-c', deploy], {
    env,
    cwd: p.dir,
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
  )
}

describe('examples/ci/deploy-gate.sh: gate, snapshot, gate, your deploy, watch', () => {
  it('stops at a freeze before touching anything (exit 3), vouches for a good release (exit 0), rolls a broken one back to it (exit 1)', async () => {
    const current = () => readlink(join(p.dir, 'apps/staff/current'))
    const snapshots = async () => JSON.parse((await p.cli(['--json', 'snapshot', 'list', 'staff'])).stdout).snapshots as unknown[]
    // Releases written beforehand, as a deploy tool uploads them; v1 stays the one that runs.
    await p.deploy('staff', 'v2')
    await p.deploy('staff', 'v3', { healthy: false })
    await p.deploy('staff', 'v1')

    expect((await p.cli(['freeze', 'staff', '--until', '1h', '--reason', 'release freeze'])).code).toBe(0)
    const frozen = await deployScript('v2')
    expect(frozen.code, frozen.out).toBe(3)
    expect(frozen.out).toMatch(/freeze +FAILED +staff frozen until .*: release freeze/)
    expect(await current()).toBe('releases/v1')
    expect(await snapshots()).toEqual([])
    expect((await p.cli(['unfreeze', 'staff', '--reason', 'freeze over'])).code).toBe(0)

    const good = await deployScript('v2')
    expect(good.code, good.out).toBe(0)
    expect(await current()).toBe('releases/v2')
    expect(good.out).toMatch(/known good/)
    expect(good.out.match(/preflight staff: a deploy may go ahead/g)).toHaveLength(2)

    const bad = await deployScript('v3')
    expect(bad.code, bad.out).toBe(1)
    expect(await current(), bad.out).toBe('releases/v2')
  }, 90_000)
})
