import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failing, preflightOf } from '../helpers/preflight-report.js'
import type { SamplePlatform } from '../../src/demo/sample-platform.js'
import { type ServedPlatform, servedPlatform } from '../helpers/served-platform.js'
import { auditOf } from '../helpers/audit-of.js'

// `lastgood freeze`: a deploy freeze that ends by itself or is lifted, in status and the audit trail; and the
// deploy gate through `lastgood serve`: the same answers, freezing only with the incident permission.

let served: ServedPlatform
let p: SamplePlatform

beforeAll(async () => {
  served = await servedPlatform({ snapshot: false })
  p = served.p
}, 30_000)

afterAll(() => served?.close())

const preflight = (...args: string[]) => preflightOf(p, args)

const snapshot = (...args: string[]) => p.cli(['snapshot', 'create', 'staff', '--kind', 'pre-deploy', ...args])

describe('lastgood freeze', () => {
  it('stops deploys until it ends by itself; a freeze of all apps is lifted as one; both audited and in status', async () => {
    expect((await snapshot()).code).toBe(0)
    // Long enough for the checks below on a busy machine; the test then waits for its end, whenever that is.
    const frozen = await p.cli(['freeze', 'staff', '--until', '8s', '--reason', 'quarter-end close'])
    expect(frozen.code, frozen.stderr).toBe(0)
    expect(frozen.stdout).toMatch(/^staff frozen until \S+Z \(fz-\S+\); lift it sooner with `lastgood unfreeze staff --reason R`/)
    const status = JSON.parse((await p.cli(['--json', 'status'])).stdout) as {
      freezes: { app: string; reason: string; frozenBy: string; until: string }[]
    }
    expect(status.freezes).toEqual([expect.objectContaining({ app: 'staff', reason: 'quarter-end close', frozenBy: 'demo' })])
    expect((await p.cli(['status'])).stdout).toMatch(/deploy freezes .*\n.*\nfz-\S+ +staff +\S+ +demo/)

    const refused = await preflight()
    expect(refused.code).toBe(3)
    expect(Object.keys(failing(refused.report))).toEqual(['freeze'])
    expect(failing(refused.report).freeze).toMatch(
      /^staff frozen until \S+ by demo \(fz-\S+\): quarter-end close; wait, or lift it: lastgood unfreeze staff --reason/,
    )
    await new Promise((ok) => setTimeout(ok, Math.max(0, Date.parse(status.freezes[0]!.until) - Date.now() + 100)))
    expect((await preflight()).code).toBe(0)
    expect(JSON.parse((await p.cli(['--json', 'status'])).stdout).freezes).toEqual([])

    expect((await p.cli(['freeze', 'all', '--until', '1h', '--reason', 'data-centre move'])).code).toBe(0)
    expect(failing((await preflight()).report).freeze).toMatch(
      /^every app frozen until .*: data-centre move; wait, or lift it: lastgood unfreeze all/,
    )
    const own = await p.cli(['unfreeze', 'staff', '--reason', 'hotfix'])
    expect(own.code).toBe(2)
    expect(own.stderr).toMatch(/staff is frozen only by fz-\S+, a freeze of every app until .*; lift that one with `lastgood unfreeze all/)
    const lifted = await p.cli(['unfreeze', 'all', '--reason', 'move done early'])
    expect(lifted.code, lifted.stderr).toBe(0)
    expect((await preflight()).code).toBe(0)

    const events = (await auditOf(p)).filter((e) => e.action.startsWith('deploy.'))
    expect(events.map((e) => [e.action, e.target, e.reason, e.actor])).toEqual([
      ['deploy.freeze', 'staff', 'quarter-end close', 'demo'],
      ['deploy.freeze', 'all', 'data-centre move', 'demo'],
      ['deploy.unfreeze', 'all', 'move done early', 'demo'],
    ])
  }, 20_000)
})

describe('through lastgood serve', () => {
  const remote = (args: string[], user?: 'ann' | 'vic') => served.remote(args, user)

  it('preflight answers the same document and exit code; freeze needs the incident permission', async () => {
    const masked = (out: string) => JSON.parse(out.replace(/taken \d+m?s ago/g, 'taken <age> ago')) as unknown
    const frozen = await remote(['freeze', 'staff', '--until', '1h', '--reason', 'change window'])
    expect(frozen.code, frozen.stderr).toBe(0)
    expect(JSON.parse(frozen.stdout).freeze).toMatchObject({ app: 'staff', frozenBy: 'ann' })
    for (const args of [
      ['preflight', 'staff'],
      ['preflight', 'staff', '--before-snapshot'],
      ['preflight', 'staff', '--max-age', '1ms'],
      ['preflight', 'nosuch'],
    ]) {
      const here = await p.cli(['--json', ...args])
      const there = await remote(args, 'vic')
      expect(there.code, args.join(' ')).toBe(here.code)
      expect(masked(there.stdout), args.join(' ')).toEqual(masked(here.stdout))
    }
    const refused = await remote(['unfreeze', 'staff', '--reason', 'mine now'], 'vic')
    expect(refused.code).toBe(3)
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'forbidden', message: 'vic lacks the permission "incident"' })
    expect((await remote(['unfreeze', 'staff', '--reason', 'window closed'])).code).toBe(0)
  }, 20_000)
})
