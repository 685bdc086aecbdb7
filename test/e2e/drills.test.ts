import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT, SamplePlatform } from '../../src/demo/sample-platform.js'
import { SCENARIOS } from '../../src/drills/scenarios.js'

const run = promisify(execFile)
let bare: string

beforeAll(async () => {
  bare = await mkdtemp(join(tmpdir(), 'lastgood-drill-'))
})
afterAll(async () => {
  await rm(bare, { recursive: true, force: true })
})

/** `lastgood drill` where there is no configuration: the seeds' RTO, nothing recorded. */
async function drill(args: string[]) {
  try {
    const r = await run(process.execPath, [join(PACKAGE_ROOT, 'bin/lastgood.js'), 'drill', ...args], { cwd: bare, env: { ...process.env, LASTGOOD_CONFIG: '' }, timeout: 120_000 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('lastgood drill', () => {
  for (const name of SCENARIOS.filter((s) => s !== 'bad-deploy')) {
    it(`${name}: breaks real sample apps, the monitor detects and rolls back, the times are measured`, async () => {
      const r = await drill([name, '--json'])
      expect(r.code, r.stderr + r.stdout).toBe(0)
      const [d] = JSON.parse(r.stdout).drills
      expect(d).toMatchObject({ scenario: name, success: true, problem: null, withinRto: true, objectives: { rtoMs: 900_000 } })
      for (const a of d.apps) {
        expect(a.trigger).toBeTruthy()
        expect(a.detectMs).toBeGreaterThan(0)
        expect(a.decideMs).toBeGreaterThanOrEqual(0)
        expect(a.rollbackMs).toBeGreaterThan(0)
        expect(a.healthyMs).toBeGreaterThan(a.detectMs)
        expect(a.restored).toEqual({ release: 'v1' })
      }
      if (name === 'multi-app') expect(d.recoveryOrder).toEqual(['staff', 'inventory'])
      if (name === 'crash') expect(d.apps[0].healthyMs).toBeLessThan(15_000)
      if (name === 'slow-release') expect(d.apps[0].trigger).toBe('latency')
    }, 120_000)
  }

  it('bad-deploy: measured against the platform\'s own RTO and recorded in its audit chain', async () => {
    const p = await SamplePlatform.create()
    try {
      expect((await p.cli(['init'])).code).toBe(0)
      const r = await p.cli(['--json', 'drill', 'bad-deploy'])
      expect(r.code, r.stderr).toBe(0)
      const [d] = JSON.parse(r.stdout).drills
      expect(d).toMatchObject({ success: true, withinRto: true, recoveryOrder: ['staff'] })
      expect(d.apps[0].healthyMs).toBeLessThan(15_000)
      const log = JSON.parse((await p.cli(['--json', 'audit', 'log'])).stdout)
      expect(log.events.at(-1)).toMatchObject({ action: 'drill.result', target: 'bad-deploy', outcome: 'success' })
      expect((await p.cli(['audit', 'verify'])).code).toBe(0)
    } finally {
      await p.destroy()
    }
  }, 120_000)

  it('an unknown scenario or a bad interval is a usage error', async () => {
    expect(await drill(['fire'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown drill "fire"; the drills are: bad-deploy, error-spike/) })
    expect((await drill(['crash', '--interval', 'fast'])).code).toBe(2)
  })
})
