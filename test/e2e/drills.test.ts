import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { SCENARIO_LIST } from '../../src/drills/scenarios.js'

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
    const r = await run(process.execPath, [join(PACKAGE_ROOT, 'bin/lastgood.cjs'), 'drill', ...args], {
      cwd: bare,
      env: { ...process.env, LASTGOOD_CONFIG: '' },
      timeout: 120_000,
    })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('lastgood drill', () => {
  for (const name of SCENARIO_LIST.filter((s) => s.recovery === 'monitor' && s.name !== 'bad-deploy').map((s) => s.name)) {
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
      // A crash takes staff down: its continuity plan activates, and the drill measures how soon (seed 000: < 5 min).
      if (name === 'crash')
        expect(d.continuity).toEqual([
          expect.objectContaining({ plan: 'drill-check-in', apps: ['staff'], activationMs: expect.any(Number), withinTarget: true }),
        ])
      if (name === 'multi-app') expect(d.recoveryOrder).toEqual(['staff', 'inventory'])
      if (name === 'crash') expect(d.apps[0].healthyMs).toBeLessThan(15_000)
      if (name === 'slow-release') expect(d.apps[0].trigger).toBe('latency')
    }, 120_000)
  }

  it("bad-deploy: measured against the platform's own RTO and recorded in its audit chain", async () => {
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

  it("complete-system-failure: five apps down, the incident declared, recovered in priority order within the platform's RTO, recorded in its audit chain", async () => {
    const p = await SamplePlatform.create()
    try {
      expect((await p.cli(['init'])).code).toBe(0)
      const r = await p.cli(['--json', 'drill', 'complete-system-failure'])
      expect(r.code, r.stderr + r.stdout).toBe(0)
      const [d] = JSON.parse(r.stdout).drills
      const order = ['staff', 'inventory', 'handouts', 'medication-auth', 'checkin-kiosk']
      expect(d).toMatchObject({
        scenario: 'complete-system-failure',
        success: true,
        problem: null,
        measuredFrom: 'declaration',
        withinRto: true,
        objectives: { rtoMs: 900_000 },
        recoveryOrder: order,
      })
      expect(d.apps.map((a: { app: string }) => a.app)).toEqual(order)
      for (const [i, a] of d.apps.entries()) {
        // Declared by people: nothing detected or decided; every time runs from the declaration.
        expect(a).toMatchObject({ trigger: null, detectMs: null, decideMs: null, run: expect.stringMatching(/^rb-/) })
        expect(a.restored.release).toBe('v1')
        expect(a.startedMs).toBeGreaterThanOrEqual(0)
        expect(a.healthyMs).toBeGreaterThan(a.startedMs)
        expect(a.rollbackMs).toBeGreaterThan(0)
        if (i > 0)
          expect(a.startedMs, `${a.app} started before ${d.apps[i - 1].app} was validated`).toBeGreaterThanOrEqual(d.apps[i - 1].healthyMs)
      }
      expect(d.apps.find((a: { app: string }) => a.app === 'medication-auth').restored).toEqual({ release: 'v1', 'edge-config': 'v1' })
      expect(d.recoveryMs).toBe(d.apps.at(-1).healthyMs)
      expect(d.recoveryMs).toBeLessThan(60_000)
      expect(d.incident).toMatchObject({ type: 'complete_system_failure', runbook: 'succeeded' })
      expect(d.incident.probedHealthyMs).toBeGreaterThan(0)
      expect(d.incident.probedHealthyMs).toBeLessThanOrEqual(d.recoveryMs + 1000)
      expect(d.events.map((e: { type: string }) => e.type)).toEqual(
        expect.arrayContaining(['declared', 'runbook.step', 'recovery.app', 'resolved']),
      )
      // The drill's incident was on its own throwaway platform: none here.
      expect(JSON.parse((await p.cli(['--json', 'incident', 'list', '--all'])).stdout).incidents).toEqual([])
      const log = JSON.parse((await p.cli(['--json', 'audit', 'log'])).stdout)
      expect(log.events.at(-1)).toMatchObject({
        action: 'drill.result',
        target: 'complete-system-failure',
        outcome: 'success',
        details: { measuredFrom: 'declaration', withinRto: true, recoveryOrder: order, incident: { runbook: 'succeeded' } },
      })
      expect((await p.cli(['audit', 'verify'])).code).toBe(0)
    } finally {
      await p.destroy()
    }
  }, 120_000)

  it('an unknown scenario or a bad interval is a usage error', async () => {
    expect(await drill(['fire'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown drill "fire"; the drills are: bad-deploy, error-spike/),
    })
    expect((await drill(['crash', '--interval', 'fast'])).code).toBe(2)
  })
})
