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

/** examples/deploy/deploy.sh, whose deploy command points `current` at a release written beforehand. */
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
  return run('bash', [join(PACKAGE_ROOT, 'examples/deploy/deploy.sh'), 'staff', version, '--', 'sh', '-c', deploy], {
    env,
    cwd: p.dir,
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
  )
}

describe('examples/deploy/deploy.sh: snapshot, your deploy, watch', () => {
  it('vouches for a good release (exit 0) and rolls a broken one back to it (exit 1)', async () => {
    const current = () => readlink(join(p.dir, 'apps/staff/current'))
    // Releases written beforehand, as a deploy tool uploads them; v1 stays the one that runs.
    await p.deploy('staff', 'v2')
    await p.deploy('staff', 'v3', { healthy: false })
    await p.deploy('staff', 'v1')

    const good = await deployScript('v2')
    expect(good.code, good.out).toBe(0)
    expect(await current()).toBe('releases/v2')
    expect(good.out).toMatch(/known good/)

    const bad = await deployScript('v3')
    expect(bad.code, bad.out).toBe(1)
    expect(await current()).toBe('releases/v2')
  }, 90_000)
})
