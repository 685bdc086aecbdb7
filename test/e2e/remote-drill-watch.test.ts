import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SamplePlatform } from '../../src/demo/sample-platform.js'
import { type ServedPlatform, servedPlatform } from '../helpers/served-platform.js'
import { auditOf } from '../helpers/audit-of.js'
import { singleAppConfig } from '../helpers/configs.js'
import { StreamingCli } from '../helpers/monitor-process.js'

// drill, watch and monitor here and through `lastgood serve` with --server: the same --json documents (times,
// durations, ids and the events' play-by-play masked) and the same exit codes.

let served: ServedPlatform
let p: SamplePlatform

beforeAll(async () => {
  served = await servedPlatform({
    configText: singleAppConfig({ extra: '    triggers:\n      health: { kind: health_failures, action: rollback }\n' }),
  })
  p = served.p
}, 30_000)

afterAll(() => served?.close())

const local = (args: string[]) => served.local(args)
const remote = (args: string[], user?: 'ann' | 'vic') => served.remote(args, user)

/** What differs between two runs by nature: when, how long, the ids made, and the play-by-play in words. */
function masked(stdout: string): unknown {
  return JSON.parse(
    stdout
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/"(\w*Ms|ms|latencyMs|elapsedMs)": \d+(\.\d+)?/g, '"$1": 0')
      .replace(/\b(rb|run|inc)-[\w-]+/g, '$1-<id>')
      .replace(/\b[\w-]+-\d{8}-\d{6}-[\da-f]+\b/g, '<snapshot>'),
    (key, value: unknown) => (key === 'events' && Array.isArray(value) ? '<events>' : key === 'message' ? '<message>' : value),
  )
}

const typesOf = (events: { type: string }[]) => new Set(events.map((e) => e.type))

describe('drill, watch and monitor through --server', () => {
  it('drill: the same report and exit code; the result recorded under the token’s user', async () => {
    const args = ['drill', 'bad-deploy', '--interval', '250ms', '--failures', '2']
    const here = await local(args)
    const there = await remote(args)
    expect(here.code, here.stderr).toBe(0)
    expect(there.code, there.stderr).toBe(0)
    expect(masked(there.stdout)).toEqual(masked(here.stdout))
    const [d] = JSON.parse(there.stdout).drills
    expect(d).toMatchObject({ scenario: 'bad-deploy', success: true, withinRto: true, recoveryOrder: ['staff'] })
    expect(typesOf(d.events)).toEqual(typesOf(JSON.parse(here.stdout).drills[0].events))
    const results = (await auditOf(p)).filter((e) => e.action === 'drill.result')
    expect(results.map((e) => [e.actor, e.outcome])).toEqual([
      [expect.any(String), 'success'],
      ['ann', 'success'],
    ])
    expect(results[1]!.details).toMatchObject({ auth: { method: 'token', subject: 'ann', token: 'ann-cli' } })
  }, 40_000)

  it('watch: the same soak outcome and exit code; through the server people get its last line', async () => {
    const here = await local(['watch', 'staff', '--for', '2s'])
    const there = await remote(['watch', 'staff', '--for', '2s'])
    expect(here.code, here.stderr).toBe(0)
    expect(there.code, there.stderr).toBe(0)
    expect(masked(there.stdout)).toEqual(masked(here.stdout))
    expect(JSON.parse(there.stdout).watch).toMatchObject({ app: 'staff', outcome: 'passed', forMs: 2000 })
    const human = await p.cli(['--server', served.server.url, 'watch', 'staff', '--for', '1s'], {
      env: { LASTGOOD_TOKEN: served.tokens.ann! },
    })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^staff: \S+ is known good: no trigger fired in 1 s and every trigger had data\n$/)
  }, 30_000)

  it('monitor --once: the same round and exit code; plain monitor follows the server’s own monitor until Ctrl-C', async () => {
    const here = await local(['monitor', '--once'])
    const there = await remote(['monitor', '--once'])
    expect(there.code, there.stderr).toBe(here.code)
    expect(masked(there.stdout)).toEqual(masked(here.stdout))
    expect(JSON.parse(there.stdout).triggers).toEqual([expect.objectContaining({ app: 'staff', trigger: 'health', phase: 'inactive' })])
    expect(typesOf(JSON.parse(there.stdout).events)).toEqual(typesOf(JSON.parse(here.stdout).events))

    const follower = new StreamingCli(p, ['--server', served.server.url, 'monitor', 'staff'], { LASTGOOD_TOKEN: served.tokens.ann! })
    try {
      // What a watch through the server does shows up on the follower, as `lastgood monitor` prints events here.
      await new Promise((r) => setTimeout(r, 500))
      const watched = remote(['watch', 'staff', '--for', '1s'])
      const started = await follower.waitFor((e) => e.type === 'watch.started', 10_000)
      expect(started).toMatchObject({ app: 'staff', outcome: 'started', message: expect.stringMatching(/^watching staff/) })
      expect((await watched).code).toBe(0)
      await follower.waitFor((e) => e.type === 'watch.passed', 10_000)
      follower.kill('SIGINT')
      expect(await follower.exited).toEqual({ code: 0, signal: null })
    } finally {
      await follower.stop()
    }
  }, 30_000)

  it('refusals and errors: the same error document and exit code here and there', async () => {
    for (const args of [
      ['drill', 'fire'],
      ['drill', 'crash', '--interval', '10ms'],
      ['watch', 'nosuchapp', '--for', '1s'],
      ['watch', 'staff', '--for', 'soon'],
      ['monitor', 'nosuchapp', '--once'],
    ]) {
      const here = await local(args)
      const there = await remote(args)
      expect(here.code, args.join(' ')).toBe(2)
      expect(there.code, args.join(' ')).toBe(2)
      expect(JSON.parse(there.stdout), args.join(' ')).toEqual(JSON.parse(here.stdout))
    }
    const verbose = await remote(['drill', 'crash', '--verbose'])
    expect(verbose.code).toBe(2)
    expect(JSON.parse(verbose.stdout).error.message).toMatch(/^--verbose prints the drill monitor's events as they happen/)
    const before = (await auditOf(p)).length
    for (const args of [
      ['drill', 'crash'],
      ['watch', 'staff'],
      ['monitor', '--once'],
    ]) {
      const refused = await remote(args, 'vic')
      expect(refused.code, args.join(' ')).toBe(3)
      expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'forbidden', message: 'vic lacks the permission "rollback"' })
    }
    expect(await auditOf(p)).toHaveLength(before)
  }, 30_000)
})
