import { spawn } from 'node:child_process'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ResolvedConfig } from '../../src/config/types.js'
import { HOST } from '../../src/core/process-alive.js'
import { enqueueNotifications } from '../../src/notify/enqueue.js'
import { type AttemptRecord, Outbox } from '../../src/notify/outbox.js'
import type { State, StateDb } from '../../src/state/open-state.js'
import { BlackHole, HttpReceiver, scripted, signedWebhookRoute } from '../helpers/receivers.js'
import { SmtpReceiver } from '../helpers/smtp-receiver.js'
import { assertPostgresReachable, engines, type StateFixture } from '../helpers/state-engines.js'
import { notifyConfig } from './fixtures.js'

const SECRET = 'outbox-webhook-secret-42'

const SLACK_PATH = '/services/T0001/B0001/outbox-slack-secret-99'
const ROUTING_KEY = 'outbox-routing-key-abcdef0123'
const SMTP_LOGIN = { user: 'lastgood', password: 'outbox-smtp-password-5' }

let http: HttpReceiver
let hole: BlackHole
let smtp: SmtpReceiver
beforeAll(async () => {
  await assertPostgresReachable()
  http = await HttpReceiver.start()
  hole = await BlackHole.start()
  smtp = await SmtpReceiver.start(SMTP_LOGIN)
})
afterAll(async () => {
  await http.close()
  await hole.close()
  await smtp.close()
})

let pathSeq = 0
/** A fresh receiver path per test: engines and tests never share a route's script or its record. */
function hookPath(): string {
  return `/hook-${++pathSeq}`
}

function webhookYaml(name: string, url: string): string {
  return `${name}: { type: webhook, url: '${url}', secret: ${SECRET} }`
}

async function queue(state: State, config: ResolvedConfig, channels: string[], n = 1): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const messages = await state.writeTransaction((tx) =>
      enqueueNotifications(tx, config, { kind: 'status_update', channels, severity: 'high', vars: { issue: `update ${i}` } }),
    )
    ids.push(...messages.map((m) => m.id))
  }
  return ids
}

/** The pid of a process that has exited. */
function exitedPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', ''])
    child.once('exit', () => resolve(child.pid!))
  })
}

async function row(state: State, id: string) {
  return state.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

describe.each(engines)('notification outbox on $name', (engine) => {
  let fixture: StateFixture
  let state: State
  const outboxes: Outbox[] = []
  const attempts: AttemptRecord[] = []
  const outbox = (config: ResolvedConfig, owner = 'test:1', s = state) => {
    const o = new Outbox({ state: s, config, owner, onAttempt: async (_tx: StateDb, a) => void attempts.push(a) })
    outboxes.push(o)
    return o
  }
  beforeEach(async () => {
    fixture = await engine.fixture()
    state = await fixture.open()
    attempts.length = 0
  })
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()))
    await state.close()
    await fixture.cleanup()
  })

  it('retries a receiver that fails twice, with a growing backoff, and records each attempt in the same transaction', async () => {
    const path = hookPath()
    http.route(
      path,
      scripted(
        [
          { status: 503, body: 'busy' },
          { status: 503, body: 'busy' },
        ],
        signedWebhookRoute(SECRET),
      ),
    )
    const config = notifyConfig(webhookYaml('soc', http.url(path)), { attempts: 5, backoff: '50ms' })
    const [id] = await queue(state, config, ['soc'])
    const seenInTx: string[] = []
    const o = new Outbox({
      state,
      config,
      owner: 'test:1',
      onAttempt: async (tx, a) => {
        attempts.push(a)
        // The row's new status is visible to onAttempt: the record and the callback share one transaction.
        seenInTx.push(
          (await tx.selectFrom('notifications').select('status').where('id', '=', a.message.id).executeTakeFirstOrThrow()).status,
        )
      },
    })
    expect(await o.drain(5000)).toBe(0)
    expect(attempts.map((a) => [a.attempt, a.outcome, a.delivery.status])).toEqual([
      [1, 'retry', 503],
      [2, 'retry', 503],
      [3, 'sent', 200],
    ])
    expect(seenInTx).toEqual(['pending', 'pending', 'sent'])
    const arrivals = http.requests(path).map((r) => r.at)
    expect(http.requests(path).map((r) => r.verdict)).toEqual(['status 503', 'status 503', 'accepted'])
    const gaps = [arrivals[1]! - arrivals[0]!, arrivals[2]! - arrivals[1]!]
    expect(gaps[0]).toBeGreaterThanOrEqual(50)
    expect(gaps[1]).toBeGreaterThanOrEqual(100)
    // Every attempt carried the same delivery id.
    expect(new Set(http.requests(path).map((r) => r.headers['x-lastgood-delivery']))).toEqual(new Set([id]))
    expect(await row(state, id!)).toMatchObject({ status: 'sent', attempts: 3, claimed_by: null, last_error: 'webhook soc: HTTP 503 busy' })
    expect((await row(state, id!)).sent_at).not.toBeNull()
  })

  it('does not retry a 400, and gives up after the configured attempts', async () => {
    const bad = hookPath()
    const down = hookPath()
    http.route(bad, () => ({ status: 400, body: 'unknown event' }))
    http.route(down, () => ({ status: 503 }))
    const config = notifyConfig(`${webhookYaml('bad', http.url(bad))}\n${webhookYaml('down', http.url(down))}`, {
      attempts: 3,
      backoff: '20ms',
    })
    const [badId, downId] = await queue(state, config, ['bad', 'down'])
    expect(await outbox(config).drain(5000)).toBe(0)
    expect(http.requests(bad)).toHaveLength(1)
    expect(http.requests(down)).toHaveLength(3)
    expect(await row(state, badId!)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'webhook bad: HTTP 400 unknown event' })
    expect(await row(state, downId!)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'webhook down: HTTP 503' })
    expect(attempts.filter((a) => a.channel === 'down').map((a) => a.outcome)).toEqual(['retry', 'retry', 'gave-up'])
    expect(attempts.filter((a) => a.channel === 'bad').map((a) => a.outcome)).toEqual(['gave-up'])
  })

  it('two outboxes on one state never send a row twice, and take over a claim that ran out', async () => {
    const path = hookPath()
    const route = signedWebhookRoute(SECRET)
    http.route(path, route)
    const config = notifyConfig(webhookYaml('soc', http.url(path)))
    const ids = await queue(state, config, ['soc'], 40)
    const other = await fixture.open()
    try {
      const a = outbox(config, 'host-a:1')
      const b = outbox(config, 'host-b:2', other)
      await Promise.all([a.drain(5000), b.drain(5000), a.deliverDue(), b.deliverDue()])
      const delivered = http.requests(path).map((r) => r.headers['x-lastgood-delivery'] as string)
      expect(delivered.sort()).toEqual([...ids].sort())
      expect(http.requests(path).every((r) => r.verdict === 'accepted')).toBe(true)
      const rows = await state.db.selectFrom('notifications').select(['status', 'attempts']).execute()
      expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1)).toBe(true)

      // A process that claimed a row and died: its claim runs out and another outbox takes the row over.
      const [orphan] = await queue(state, config, ['soc'])
      await state.db
        .updateTable('notifications')
        .set({ claimed_by: 'dead:9', claimed_until: new Date(Date.now() + 60_000).toISOString() })
        .where('id', '=', orphan!)
        .execute()
      expect(await b.deliverDue()).toBe(0)
      await state.db
        .updateTable('notifications')
        .set({ claimed_until: new Date(Date.now() - 1).toISOString() })
        .where('id', '=', orphan!)
        .execute()
      expect(await b.deliverDue()).toBe(1)
      expect(await row(state, orphan!)).toMatchObject({ status: 'sent', claimed_by: null })

      // One claimed by a process of this host that is gone is taken over at once; one of a live process is not.
      const dead = await exitedPid()
      const [gone, alive] = await queue(state, config, ['soc'], 2)
      const until = new Date(Date.now() + 60_000).toISOString()
      await state.db
        .updateTable('notifications')
        .set({ claimed_by: `${HOST}:${dead}`, claimed_until: until })
        .where('id', '=', gone!)
        .execute()
      await state.db
        .updateTable('notifications')
        .set({ claimed_by: `${HOST}:${process.pid}`, claimed_until: until })
        .where('id', '=', alive!)
        .execute()
      expect(await b.deliverDue()).toBe(1)
      expect(await row(state, gone!)).toMatchObject({ status: 'sent' })
      expect(await row(state, alive!)).toMatchObject({ status: 'pending', claimed_by: `${HOST}:${process.pid}` })
    } finally {
      await other.close()
    }
  })

  it('a channel that accepts and never answers costs only its own timeout: another channel is delivered meanwhile', async () => {
    const path = hookPath()
    http.route(path, signedWebhookRoute(SECRET))
    const config = notifyConfig(`${webhookYaml('dead', hole.url('/hook'))}\n${webhookYaml('good', http.url(path))}`, {
      timeout: '1s',
      attempts: 1,
    })
    const o = outbox(config)
    o.start(20)
    const queuedAt = performance.now()
    const [deadId] = await queue(state, config, ['dead'])
    expect(performance.now() - queuedAt).toBeLessThan(500)
    await expect.poll(() => hole.open, { timeout: 2000, interval: 10 }).toBe(1)
    const goodAt = performance.now()
    const [goodId] = await queue(state, config, ['good'])
    await expect.poll(async () => (await row(state, goodId!)).status, { timeout: 900, interval: 10 }).toBe('sent')
    expect(http.requests(path)[0]!.at - goodAt).toBeLessThan(500)
    // The dead channel's attempt was still hanging while the good one went out.
    expect((await row(state, deadId!)).status).toBe('pending')
    await expect.poll(async () => (await row(state, deadId!)).status, { timeout: 3000, interval: 20 }).toBe('failed')
    expect((await row(state, deadId!)).last_error).toBe('webhook dead: timed out after 1s')
    await o.stop()
    // The client closed its end; the black hole sees it a moment later.
    await expect.poll(() => hole.open, { timeout: 500, interval: 10 }).toBe(0)
  })

  it('gives up a message whose channel is no longer configured, and one whose last attempt was cut off', async () => {
    const path = hookPath()
    http.route(path, signedWebhookRoute(SECRET))
    const before = notifyConfig(`${webhookYaml('old', http.url(path))}\n${webhookYaml('soc', http.url(path))}`, { attempts: 2 })
    const [gone] = await queue(state, before, ['old'])
    const [cut] = await queue(state, before, ['soc'])
    // Attempt 2 of 2 was claimed by a process that died before recording it.
    await state.db
      .updateTable('notifications')
      .set({ attempts: 2, claimed_by: 'dead:9', claimed_until: new Date(Date.now() - 1).toISOString() })
      .where('id', '=', cut!)
      .execute()
    const after = notifyConfig(webhookYaml('soc', http.url(path)), { attempts: 2 })
    expect(await outbox(after).drain(2000)).toBe(0)
    expect(await row(state, gone!)).toMatchObject({
      status: 'failed',
      last_error: 'channel "old" is no longer configured under notifications.channels; the message was not sent',
    })
    expect(await row(state, cut!)).toMatchObject({
      status: 'failed',
      last_error: 'no attempts left: attempt 2 of 2 was cut off before it finished (dead:9 stopped before recording it)',
    })
    expect(http.requests(path)).toHaveLength(0)
    expect(attempts.map((a) => a.outcome)).toEqual(['gave-up', 'gave-up'])
  })

  it('drain stops at its deadline and leaves what is not delivered queued', async () => {
    const config = notifyConfig(webhookYaml('dead', hole.url('/hook')), { timeout: '5s', attempts: 3 })
    const [id] = await queue(state, config, ['dead'])
    const started = performance.now()
    expect(await outbox(config).drain(300)).toBe(1)
    expect(performance.now() - started).toBeLessThan(1500)
    expect(await row(state, id!)).toMatchObject({
      status: 'pending',
      attempts: 1,
      claimed_by: null,
      last_error: 'webhook dead: not delivered within 300ms; it stays queued',
    })
  })

  it('never writes a secret (Slack URL, routing key, SMTP password, webhook secret) into last_error or an attempt', async () => {
    http.route(SLACK_PATH, () => ({ status: 503, body: 'upstream failed' }))
    http.route('/pd-invalid', () => ({ status: 400, body: `{"status":"invalid event","errors":["routing_key ${ROUTING_KEY} unknown"]}` }))
    // A long echo cut where the key is: the key is masked before the answer is cut to one line.
    const CUT_KEY = 'CutKey0123456789abcdef'
    http.route('/pd-cut', () => ({ status: 500, body: `proxy error ${'.'.repeat(150)} event {"routing_key":"${CUT_KEY}"}` }))
    const webhook = hookPath()
    http.route(webhook, () => ({ status: 500, body: 'no' }))
    const config = notifyConfig(
      `slack: { type: slack, webhook_url: '${http.url(SLACK_PATH)}' }
slack-gone: { type: slack, webhook_url: 'http://127.0.0.1:1${SLACK_PATH}' }
pd: { type: pagerduty, routing_key: ${ROUTING_KEY}, url: '${http.url('/pd-invalid')}' }
pd-cut: { type: pagerduty, routing_key: ${CUT_KEY}, url: '${http.url('/pd-cut')}' }
mail: { type: email, from: lastgood@clinic.example, to: [it@clinic.example], smtp: { host: 127.0.0.1, port: ${smtp.port}, user: lastgood, password: wrong-${SMTP_LOGIN.password} } }
${webhookYaml('hook', http.url(webhook))}`,
      { attempts: 2, backoff: '20ms' },
    )
    const ids = await queue(state, config, ['slack', 'slack-gone', 'pd', 'pd-cut', 'mail', 'hook'])
    expect(await outbox(config).drain(5000)).toBe(0)
    const rows = await state.db.selectFrom('notifications').select(['id', 'status', 'last_error']).where('id', 'in', ids).execute()
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'failed'])
    const written = [...rows.map((r) => r.last_error ?? ''), ...attempts.map((a) => a.delivery.detail)]
    expect(written.length).toBeGreaterThanOrEqual(6 + 6)
    for (const text of written) {
      for (const secret of [SLACK_PATH, ROUTING_KEY, SMTP_LOGIN.password, SECRET, CUT_KEY.slice(0, 6)]) expect(text).not.toContain(secret)
    }
    expect(rows.find((r) => r.id === ids[3])!.last_error).toMatch(
      /^pagerduty pd-cut: HTTP 500 proxy error \.+ event \{"routing_key":"\*\*\*"/,
    )
    // The PagerDuty answer that echoed the routing key is shown, masked.
    expect(rows.find((r) => r.id === ids[2])!.last_error).toContain('routing_key *** unknown')
  })

  it("queues a message whose values quote outside text (a command's error) with the secrets masked", async () => {
    const config = notifyConfig(webhookYaml('soc', hole.url('/hook')))
    const issue = 'restore failed: psql: could not connect to postgres://lastgood:dbPassw0rd9@db.internal/clinic; token=abcdef123456'
    const [id] = (
      await state.writeTransaction((tx) =>
        enqueueNotifications(tx, config, { kind: 'status_update', channels: ['soc'], severity: 'high', vars: { issue } }),
      )
    ).map((m) => m.id)
    const stored = (await row(state, id!)).message
    for (const secret of ['dbPassw0rd9', 'abcdef123456']) expect(stored).not.toContain(secret)
    expect(stored).toContain('restore failed: psql: could not connect to postgres://***@db.internal/clinic; token=***')
  })
})
