import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ResolvedConfig } from '../../src/config/types.js'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { enqueueNotifications, type NotifyRequest } from '../../src/notify/enqueue.js'
import type { Message } from '../../src/channels/message.js'
import { type AttemptRecord, Outbox } from '../../src/notify/outbox.js'
import { recordAttemptOnTimeline } from '../../src/recovery/outbox-timeline.js'
import { loadTimeline } from '../../src/recovery/timeline.js'
import type { State } from '../../src/state/open-state.js'
import { BlackHole, HttpReceiver, pagerDutyRoute, type Route, signedWebhookRoute } from '../helpers/receivers.js'
import { assertPostgresReachable, engines, type StateFixture } from '../helpers/state-engines.js'
import { CONFIG_FILE, notifyConfig, notifyConfigText } from './fixtures.js'

const SECRET = 'order-webhook-secret-42'
const ROUTING_KEY = 'order-routing-key-0123'

let http: HttpReceiver
let hole: BlackHole
beforeAll(async () => {
  await assertPostgresReachable()
  http = await HttpReceiver.start()
  hole = await BlackHole.start()
})
afterAll(async () => {
  await http.close()
  await hole.close()
})

let seq = 0
/** A receiver that answers `down` while the flag is set, and as the real service once it is cleared. */
function outage(real: Route, down: { status: number }) {
  const state = { down: true }
  const path = `/order-${++seq}`
  http.route(path, (req) => (state.down ? down : real(req)))
  return { path, state }
}

function incident(id: string): Message['incident'] {
  return { id, type: 'critical_application_failure', status: 'declared', level: 1, scope: ['staff'] }
}

async function queue(state: State, config: ResolvedConfig, req: Omit<NotifyRequest, 'severity' | 'vars'>): Promise<Message[]> {
  return state.writeTransaction((tx) => enqueueNotifications(tx, config, { severity: 'high', vars: { issue: 'portal down' }, ...req }))
}

/** Accepted deliveries at a path, in the order the receiver accepted them, as [delivery id, event]. */
function accepted(path: string): Array<[string, string]> {
  return http
    .requests(path)
    .filter((r) => r.verdict === 'accepted')
    .map((r) => {
      const body = JSON.parse(r.body.toString()) as {
        id?: string
        kind?: string
        event_action?: string
        payload?: { custom_details: { delivery: string } }
      }
      return body.id ? [body.id, body.kind!] : [body.payload?.custom_details.delivery ?? 'resolve', body.event_action!]
    })
}

async function statuses(state: State): Promise<string[]> {
  return (await state.db.selectFrom('notifications').select('status').execute()).map((r) => r.status)
}

describe.each(engines)('notification order on $name (issue 10, item 12)', (engine) => {
  let fixture: StateFixture
  let state: State
  const outboxes: Outbox[] = []
  const children: ChildProcess[] = []
  beforeEach(async () => {
    fixture = await engine.fixture()
    state = await fixture.open()
  })
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    await Promise.all(outboxes.splice(0).map((o) => o.stop()))
    await state.close()
    await fixture.cleanup()
  })

  it('after a receiver outage, the declaration goes before the escalation, and PagerDuty gets the resolve after its triggers', async () => {
    const soc = outage(signedWebhookRoute(SECRET), { status: 503 })
    const pd = outage(pagerDutyRoute(), { status: 500 })
    const config = notifyConfig(
      `soc: { type: webhook, url: '${http.url(soc.path)}', secret: ${SECRET} }
pd: { type: pagerduty, routing_key: ${ROUTING_KEY}, url: '${http.url(pd.path)}' }`,
      { attempts: 5, backoff: '600ms', maxBackoff: '2s' },
    )
    const o = new Outbox({ state, config, owner: 'test:1' })
    outboxes.push(o)
    o.start(20)
    const [declared] = await queue(state, config, { kind: 'incident_declared', channels: ['soc', 'pd'], incident: incident('inc-1') })
    // The declaration's first attempt meets the outage; its retry is 600 ms away.
    await expect.poll(() => http.requests(soc.path).length + http.requests(pd.path).length, { timeout: 3000, interval: 10 }).toBe(2)
    soc.state.down = pd.state.down = false
    const [escalated] = await queue(state, config, { kind: 'escalation', channels: ['soc', 'pd'], incident: incident('inc-1') })
    const [resolved] = await queue(state, config, {
      kind: 'incident_resolved',
      channels: ['soc', 'pd'],
      incident: incident('inc-1'),
      lifecycle: 'resolve',
    })
    // Another incident's message waits for nothing.
    const [other] = await queue(state, config, { kind: 'incident_declared', channels: ['soc'], incident: incident('inc-2') })
    await expect.poll(() => statuses(state), { timeout: 8000, interval: 20 }).toEqual(Array(7).fill('sent'))

    const socOrder = accepted(soc.path).map(([id]) => id)
    expect(socOrder.filter((id) => id !== other!.id)).toEqual([declared!.id, escalated!.id, resolved!.id])
    expect(socOrder.indexOf(other!.id)).toBeLessThan(socOrder.indexOf(declared!.id))
    expect(accepted(pd.path).map(([, action]) => action)).toEqual(['trigger', 'trigger', 'resolve'])
  })

  it('an attempt cut short by a crash is on the timeline: attempt 1 cut off, attempt 2 sent', async () => {
    const path = `/order-${++seq}`
    http.route(path, signedWebhookRoute(SECRET))
    const deadConfig = notifyConfigText(`soc: { type: webhook, url: '${hole.url('/soc')}', secret: ${SECRET} }`, {
      timeout: '30s',
      attempts: 3,
    })
    const config = notifyConfig(`soc: { type: webhook, url: '${http.url(path)}', secret: ${SECRET} }`, { timeout: '2s', attempts: 3 })
    const [message] = await queue(state, config, { kind: 'incident_declared', channels: ['soc'], incident: incident('inc-1') })

    // A real process claims the message, hangs on a receiver that never answers, and is killed.
    const dist = (p: string) => JSON.stringify(join(PACKAGE_ROOT, 'dist/src', p))
    const script = `
      const { openState } = await import(${dist('state/open-state.js')})
      const { parseConfigText } = await import(${dist('config/parse-config-text.js')})
      const { Outbox } = await import(${dist('notify/outbox.js')})
      const state = await openState(JSON.parse(process.env.STATE_SETTINGS))
      new Outbox({ state, config: parseConfigText(process.env.CONFIG_TEXT, ${JSON.stringify(CONFIG_FILE)}, {}) }).start(20)`
    const before = hole.connections
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, STATE_SETTINGS: JSON.stringify(fixture.settings), CONFIG_TEXT: deadConfig },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    children.push(child)
    await expect.poll(() => hole.connections, { timeout: 10_000, interval: 20 }).toBeGreaterThan(before)
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))

    const attempts: AttemptRecord[] = []
    const o = new Outbox({
      state,
      config,
      owner: 'test:2',
      onAttempt: async (tx, a) => {
        attempts.push(a)
        await recordAttemptOnTimeline(tx, a)
      },
    })
    outboxes.push(o)
    expect(await o.drain(5000)).toBe(0)
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'retry'],
      [2, 'sent'],
    ])
    const timeline = (await loadTimeline(state.db, 'inc-1')).map((e) => [e.kind, e.data.attempt])
    expect(timeline).toEqual([
      ['notification.failed', 1],
      ['notification.sent', 2],
    ])
    expect((await loadTimeline(state.db, 'inc-1'))[0]!.message).toMatch(
      new RegExp(`attempt 1 of 3 was cut off before it finished \\(\\S+:${child.pid} stopped before recording it\\)`),
    )
    expect(accepted(path).map(([id]) => id)).toEqual([message!.id])
  })

  it("a receiver's 2xx that arrives as the attempt's deadline passes counts as delivered", async () => {
    // The receiver accepts (200 and the first bytes of its answer) and finishes its answer after the deadline.
    const slow: Server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('o')
        setTimeout(() => res.end('k'), 2000).unref()
      })
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    try {
      const port = (slow.address() as { port: number }).port
      const config = notifyConfig(`soc: { type: webhook, url: 'http://127.0.0.1:${port}/soc', secret: ${SECRET} }`, {
        timeout: '300ms',
        attempts: 3,
        backoff: '50ms',
      })
      const attempts: AttemptRecord[] = []
      const o = new Outbox({ state, config, owner: 'test:3', onAttempt: async (_tx, a) => void attempts.push(a) })
      outboxes.push(o)
      const [message] = await queue(state, config, { kind: 'incident_declared', channels: ['soc'], incident: incident('inc-1') })
      expect(await o.drain(3000)).toBe(0)
      expect(attempts.map((a) => [a.attempt, a.outcome, a.delivery.status])).toEqual([[1, 'sent', 200]])
      expect(
        await state.db.selectFrom('notifications').select(['status', 'attempts']).where('id', '=', message!.id).executeTakeFirst(),
      ).toEqual({ status: 'sent', attempts: 1 })
    } finally {
      slow.closeAllConnections()
      await new Promise((resolve) => slow.close(resolve))
    }
  })
})
