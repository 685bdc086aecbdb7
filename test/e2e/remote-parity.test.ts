import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SamplePlatform } from '../../src/demo/sample-platform.js'
import { type ServedPlatform, servedPlatform } from '../helpers/served-platform.js'
import { auditOf } from '../helpers/audit-of.js'

// The same commands, run here and through `lastgood serve` with --server and an API token: the same --json
// documents (times, durations and new ids masked) and the same exit codes, the remote ones recorded under the
// token's user.

let served: ServedPlatform
let p: SamplePlatform

beforeAll(async () => {
  served = await servedPlatform()
  p = served.p
}, 30_000)

afterAll(() => served?.close())

const local = (args: string[]) => served.local(args)
const remote = (args: string[], user?: 'ann' | 'vic') => served.remote(args, user)

/** What differs between two runs of the same command by nature: when, how long, and the ids it made. */
function masked(stdout: string): unknown {
  return JSON.parse(
    stdout
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/"(durationMs|latencyMs|ageMs|ms|elapsedMs)": \d+(\.\d+)?/g, '"$1": 0'),
  )
}

describe('--server parity', () => {
  it('reads: the same document and exit code here and through the server', async () => {
    const [snapshot] = (JSON.parse((await local(['snapshot', 'list'])).stdout) as { snapshots: { id: string }[] }).snapshots
    const reads = [
      ['status'],
      ['validate'],
      ['snapshot', 'list'],
      ['snapshot', 'list', 'staff'],
      ['snapshot', 'show', snapshot!.id],
      ['snapshot', 'verify', '--read-data'],
      ['incident', 'list', '--all'],
      ['audit', 'verify'],
      ['report', 'compliance', '--since', '1d'],
    ]
    for (const args of reads) {
      const here = await local(args)
      const there = await remote(args)
      expect(there.code, args.join(' ')).toBe(here.code)
      expect(masked(there.stdout), args.join(' ')).toEqual(masked(here.stdout))
    }
  })

  it('errors: the same error document and exit code, the field named', async () => {
    const cases = [
      ['snapshot', 'show', 'no-such-snapshot'],
      ['status', 'nosuchapp'],
      ['incident', 'show', 'inc-nope'],
      ['incident', 'escalate', 'inc-nope', '--reason', ' '],
      ['audit', 'log', '--limit', '0'],
      ['approvals', 'wait', 'ap-nope', '--timeout', 'soon'],
    ]
    for (const args of cases) {
      const here = await local(args)
      const there = await remote(args)
      expect(here.code, args.join(' ')).toBe(2)
      expect(there.code, args.join(' ')).toBe(2)
      expect(JSON.parse(there.stdout), args.join(' ')).toEqual(JSON.parse(here.stdout))
    }
    // A field's fault quotes the value given, as a configuration error does.
    expect(JSON.parse((await remote(['approvals', 'wait', 'ap-nope', '--timeout', 'soon'])).stdout).error).toMatchObject({
      path: 'timeout',
      message: expect.stringMatching(/^timeout: expected .*, got "soon"$/),
    })
  })

  it('writes go through the server as the token’s user; a role without the permission is refused (exit 3), nothing written', async () => {
    const here = await local(['snapshot', 'create', 'staff', '--label', 'here'])
    const there = await remote(['snapshot', 'create', 'staff', '--label', 'there'])
    expect(there.code).toBe(here.code)
    const shape = (out: string) => (JSON.parse(out) as { snapshots: Record<string, unknown>[] }).snapshots.map((s) => Object.keys(s).sort())
    expect(shape(there.stdout)).toEqual(shape(here.stdout))
    expect(JSON.parse(there.stdout).snapshots[0]).toMatchObject({ actor: 'ann', label: 'there', app: 'staff' })

    const declared = await remote(['incident', 'declare', 'performance_degradation', '--scope', 'staff', '--reason', 'slow pages'])
    expect(declared.code, declared.stderr).toBe(0)
    const incident = JSON.parse(declared.stdout).incident.id as string
    expect((await remote(['incident', 'note', incident, 'looking', 'into', 'it'])).code).toBe(0)
    const resolved = await remote(['incident', 'resolve', incident, '--summary', 'cache warmed'])
    expect(resolved.code).toBe(0)
    expect(JSON.parse(resolved.stdout).incident.status).toBe('resolved')

    const before = (await auditOf(p)).length
    const refused = await remote(['snapshot', 'create', 'staff'], 'vic')
    expect(refused.code).toBe(3)
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'forbidden', message: 'vic lacks the permission "snapshot"' })
    expect(refused.stderr).toContain('lastgood: vic lacks the permission "snapshot"')
    expect(await auditOf(p)).toHaveLength(before)

    const events = await auditOf(p)
    // Every event the token's requests caused says how its user authenticated; one run here says it ran here.
    const remoteCreate = events.find((e) => e.action === 'snapshot.create' && e.actor === 'ann')!
    expect(remoteCreate.details).toMatchObject({ auth: { method: 'token', subject: 'ann', token: 'ann-cli' } })
    const localCreate = events.find((e) => e.action === 'snapshot.create' && e.actor !== 'ann' && e.details.via === 'local')!
    expect(localCreate.details).toMatchObject({ auth: { method: 'local' }, via: 'local', os_user: expect.any(String) })
    const byAnn = events.filter((e) => e.actor === 'ann').map((e) => e.action)
    expect(byAnn).toEqual(expect.arrayContaining(['snapshot.create', 'incident.declared', 'incident.resolved']))
    const shown = JSON.parse((await remote(['incident', 'show', incident])).stdout)
    expect(shown.timeline).toContainEqual(expect.objectContaining({ kind: 'note', actor: 'ann', message: 'looking into it' }))
  })

  it('a token that is wrong, or none at all, gets nobody in: exit 2, the error says how to authenticate', async () => {
    const forged = await p.cli(['--json', '--server', served.server.url, 'status'], {
      env: { LASTGOOD_TOKEN: 'lgt_0000000000000000_forged' },
    })
    expect(forged.code).toBe(2)
    expect(JSON.parse(forged.stdout).error.code).toBe('unauthenticated')
    expect(forged.stdout + forged.stderr + served.server.stderr).not.toContain('forged')
  })
})
