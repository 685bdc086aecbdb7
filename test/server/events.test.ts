import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { ServeProcess } from './serve-process.js'
import { SseClient } from './sse-client.js'

// The live event stream and long operations of a real `lastgood serve`, with events written by another process
// (the local CLI) on the same state.

let p: SamplePlatform
let server: ServeProcess & { url: string }
let token = ''

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  expect(
    (await p.cli(['user', 'add', 'ann', '--role', 'operator', '--password-stdin'], { input: 'correct horse battery op\n' })).code,
  ).toBe(0)
  token = (JSON.parse((await p.cli(['--json', 'token', 'create', 'ann-cli', '--user', 'ann'])).stdout) as { token: string }).token
  server = await ServeProcess.start(p, [], { LASTGOOD_EVENTS_HEARTBEAT: '300ms' })
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await p?.destroy()
})

const auth = () => ({ authorization: `Bearer ${token}` })
const stream = (query = '', headers: Record<string, string> = {}) =>
  SseClient.connect(`${server.url}/api/v1/events${query}`, { ...auth(), ...headers })

/** A JSON answer, its shape the test's to check. */
const json = (res: Response): Promise<any> => res.json()

function auditSeqs(): { seq: number; action: string }[] {
  const db = new Database(join(p.dir, '.lastgood/state.db'), { readonly: true })
  try {
    return db.prepare('select seq, action from audit_events order by seq').all() as { seq: number; action: string }[]
  } finally {
    db.close()
  }
}

describe('GET /api/v1/events', () => {
  it('answers 401 without a token, and nothing streams', async () => {
    const res = await fetch(`${server.url}/api/v1/events`)
    expect(res.status).toBe(401)
    expect((await json(res)).error.code).toBe('unauthenticated')
  })

  it('delivers an event another process wrote within a second, as id/event/data of the audit event; heartbeats', async () => {
    const all = await stream()
    const snapshots = await stream('?type=snapshot.')
    expect(all.status).toBe(200)
    const cli = await p.cli(['snapshot', 'create', 'staff', '--label', 'live'])
    const wrote = performance.now()
    expect(cli.code, cli.stderr).toBe(0)
    const m = await all.waitFor((x) => x.event === 'snapshot.create')
    expect(m.at - wrote).toBeLessThan(1000)
    const event = JSON.parse(m.data!)
    expect(event).toMatchObject({ seq: Number(m.id), action: 'snapshot.create', target: 'staff', actor: 'demo' })
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/)
    await snapshots.waitFor((x) => x.event === 'snapshot.create')
    expect(snapshots.events().every((x) => x.event!.startsWith('snapshot.'))).toBe(true)
    // The heartbeat is 300 ms here (LASTGOOD_EVENTS_HEARTBEAT).
    await all.waitFor((x) => x.comment === 'heartbeat', 1000)
    all.close()
    snapshots.close()
  })

  it('a change made through this server reaches its streams at once, not at the next poll', async () => {
    expect((await p.cli(['snapshot', 'create', 'staff', '--label', 'to vouch for'])).code).toBe(0)
    const [snap] = (JSON.parse((await p.cli(['--json', 'snapshot', 'list', 'staff'])).stdout) as { snapshots: { id: string }[] }).snapshots
    const s = await stream('?type=snapshot.mark-good')
    const delays: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${server.url}/api/v1/snapshots/${snap!.id}/mark-good`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ reason: `checked ${i}` }),
      })
      const answered = performance.now()
      expect(res.status).toBe(200)
      const m = await s.waitFor((x) => x.data !== undefined && (JSON.parse(x.data) as { reason: string }).reason === `checked ${i}`)
      delays.push(m.at - answered)
    }
    s.close()
    // Polled, an event waits 125 ms on average (every 250 ms); read when the operation answers, a few.
    expect(delays.sort((a, b) => a - b)[3], delays.join(', ')).toBeLessThan(60)
  })

  it('Last-Event-ID replays exactly the events missed, in order, then goes on live', async () => {
    const first = await stream()
    expect((await p.cli(['snapshot', 'create', 'staff', '--label', 'one'])).code).toBe(0)
    const seen = await first.waitFor((x) => x.event === 'snapshot.create')
    first.close()
    const two = await p.cli(['--json', 'snapshot', 'create', 'staff', '--label', 'two'])
    expect(two.code).toBe(0)
    expect((await p.cli(['snapshot', 'mark-good', JSON.parse(two.stdout).snapshots[0].id, '--reason', 'checked'])).code).toBe(0)
    const missed = auditSeqs().filter((e) => e.seq > Number(seen.id))
    expect(missed.length).toBeGreaterThan(1)

    const byHeader = await stream('', { 'last-event-id': seen.id! })
    const byQuery = await stream(`?last_event_id=${seen.id}`)
    for (const resumed of [byHeader, byQuery]) {
      await resumed.waitFor((x) => x.id === String(missed.at(-1)!.seq))
      expect(resumed.events().map((x) => ({ seq: Number(x.id), action: x.event }))).toEqual(missed)
    }
    byQuery.close()
    expect((await p.cli(['snapshot', 'create', 'staff', '--label', 'three'])).code).toBe(0)
    await byHeader.waitFor((x) => x.event === 'snapshot.create' && Number(x.id) > missed.at(-1)!.seq)
    byHeader.close()
  })

  it('what was missed more than an hour ago is not replayed: one gap message says where to read it', async () => {
    const before = auditSeqs().at(-1)!.seq
    expect((await p.cli(['snapshot', 'create', 'staff', '--label', 'old'])).code).toBe(0)
    const old = auditSeqs().filter((e) => e.seq > before)
    expect((await p.cli(['snapshot', 'create', 'staff', '--label', 'young'])).code).toBe(0)
    const young = auditSeqs().filter((e) => e.seq > old.at(-1)!.seq)
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString()
    const db = new Database(join(p.dir, '.lastgood/state.db'))
    try {
      db.pragma('busy_timeout = 5000')
      db.prepare('update audit_events set ts = ? where seq > ? and seq <= ?').run(twoHoursAgo, before, old.at(-1)!.seq)
    } finally {
      db.close()
    }
    const resumed = await stream('', { 'last-event-id': String(before) })
    await resumed.waitFor((x) => x.id === String(young.at(-1)!.seq))
    const [gap, ...rest] = resumed.events()
    expect(gap).toMatchObject({ event: 'gap', id: String(old.at(-1)!.seq) })
    const read = `/api/v1/audit/events?since=${encodeURIComponent(twoHoursAgo)}`
    expect(JSON.parse(gap!.data!)).toMatchObject({ from: before + 1, to: old.at(-1)!.seq, since: twoHoursAgo, read })
    expect(rest.map((x) => ({ seq: Number(x.id), action: x.event }))).toEqual(young)
    resumed.close()
    const listed = await json(await fetch(`${server.url}${read}`, { headers: auth() }))
    expect(listed.events.map((e: { seq: number }) => e.seq)).toEqual(expect.arrayContaining(old.map((e) => e.seq)))
  })

  it('a bad Last-Event-ID is 400, naming what it expects', async () => {
    const res = await fetch(`${server.url}/api/v1/events`, { headers: { ...auth(), 'last-event-id': 'abc' } })
    expect(res.status).toBe(400)
    expect((await json(res)).error.message).toContain('expected the id of an event')
  })
})

describe('long operations', () => {
  it('answer 202 with a run at once; the run resolves with the result, and starts and ends on the stream', async () => {
    const events = await stream('?type=run.')
    const res = await fetch(`${server.url}/api/v1/snapshots`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ app: ['staff'], label: 'run' }),
    })
    expect(res.status).toBe(202)
    const { run } = await json(res)
    expect(run).toMatchObject({ operation: 'snapshot.create', status: 'running' })
    expect(res.headers.get('location')).toBe(`/api/v1/runs/${run.id}`)
    const done: any = await (await fetch(`${server.url}/api/v1/runs/${run.id}?wait=20s`, { headers: auth() })).json()
    expect(done).toMatchObject({ id: run.id, status: 'done', exitCode: 0, result: { snapshots: [{ label: 'run', actor: 'ann' }] } })
    expect(Date.parse(done.endedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt))
    const ended = await events.waitFor((x) => x.event === 'run.ended')
    expect(JSON.parse(ended.data!)).toEqual(done)
    expect(ended.id).toBeUndefined()
    expect(events.events().map((x) => x.event)).toEqual(['run.started', 'run.ended'])
    events.close()

    const unknown = await fetch(`${server.url}/api/v1/runs/run-nope`, { headers: auth() })
    expect(unknown.status).toBe(400)
    expect((await json(unknown)).error.message).toContain('a restart of lastgood serve forgets every run')
    const badWait = await fetch(`${server.url}/api/v1/runs/${run.id}?wait=2h`, { headers: auth() })
    expect((await json(badWait)).error).toMatchObject({ code: 'usage', path: 'wait' })
  })

  it('through --server the CLI follows the run: the same output and exit code as here, errors too', async () => {
    const remote = (args: string[]) => p.cli(['--json', '--server', server.url, ...args], { env: { LASTGOOD_TOKEN: token } })
    const local = (args: string[]) => p.cli(['--json', ...args])
    for (const args of [
      ['snapshot', 'create'],
      ['snapshot', 'create', 'nosuchapp'],
      ['incident', 'declare', 'no_such_type', '--scope', 'staff'],
    ]) {
      const here = await local(args)
      const there = await remote(args)
      expect(here.code, args.join(' ')).toBe(2)
      expect(there.code, args.join(' ')).toBe(2)
      expect(JSON.parse(there.stdout), args.join(' ')).toEqual(JSON.parse(here.stdout))
      expect(there.stderr).toBe(here.stderr)
    }
  })
})

describe('stopping', () => {
  it('SIGTERM with stream clients connected (one live, one still replaying): the streams end, serve exits 0 within 10 s', async () => {
    const live = await stream()
    const replaying = await stream('', { 'last-event-id': '0' })
    const stopped = await server.stop('SIGTERM')
    expect(stopped).toMatchObject({ code: 0, signal: null })
    expect(stopped.ms).toBeLessThan(10_000)
    await Promise.all([live.ended, replaying.ended])
  }, 15_000)

  it('a run started by a request stops at its next step boundary on SIGTERM; its follower hears how it ended', async () => {
    const slow = (name: string, priority: number) => `  ${name}:
    priority: ${priority}
    health: { checks: [{ name: health, url: "http://127.0.0.1:9/health" }] }
    components:
      data: { provider: command, data: true, current: echo v1, capture: sleep 1 && echo ${name}, restore: cat > /dev/null }
`
    const q = await SamplePlatform.create({ configText: `version: 1\nplatform: test\napps:\n${slow('a', 1)}${slow('b', 2)}` })
    try {
      expect((await q.cli(['init'])).code).toBe(0)
      expect(
        (await q.cli(['user', 'add', 'ann', '--role', 'operator', '--password-stdin'], { input: 'correct horse battery op\n' })).code,
      ).toBe(0)
      const t = (JSON.parse((await q.cli(['--json', 'token', 'create', 'ann-cli', '--user', 'ann'])).stdout) as { token: string }).token
      const s = await ServeProcess.start(q)
      try {
        const headers = { authorization: `Bearer ${t}` }
        const events = await SseClient.connect(`${s.url}/api/v1/events?type=run.`, headers)
        const res = await fetch(`${s.url}/api/v1/snapshots`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ app: ['a', 'b'] }),
        })
        const { run } = await json(res)
        const followed = fetch(`${s.url}/api/v1/runs/${run.id}?wait=30s`, { headers }).then(json)
        await new Promise((r) => setTimeout(r, 300))
        const stopped = await s.stop('SIGTERM')
        expect(stopped).toMatchObject({ code: 0, signal: null })
        expect(stopped.ms).toBeLessThan(10_000)
        const ended: any = await followed
        expect(ended).toMatchObject({ id: run.id, status: 'failed', exitCode: 1, error: { code: 'failed' } })
        // As locally: the capture in progress is cut short, nothing after it starts.
        expect(ended.error.message).toMatch(/^stopped by SIGTERM while capturing a: nothing was kept;.*not started: b$/)
        await events.ended
        expect(events.events().map((x) => x.event)).toEqual(['run.started', 'run.ended'])
      } finally {
        await s.stop('SIGKILL')
      }
    } finally {
      await q.destroy()
    }
  })
})
