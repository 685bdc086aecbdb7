import { beforeAll, describe, expect, it } from 'vitest'
import type { ResolvedChannel } from '../../src/config/types.js'
import { channelFor } from '../../src/channels/channel-registry.js'
import type { Delivery } from '../../src/channels/message.js'
import { pagerDutyRoute, scripted, signedWebhookRoute, slackRoute } from '../helpers/receivers.js'
import { channelReceivers } from './channel-receivers.js'
import { sampleMessage } from './fixtures.js'

const SLACK_PATH = '/services/T0001/B0001/slack-secret-path-4f1c'
const ROUTING_KEY = 'pd-routing-key-0123456789abcdef'
const WEBHOOK_SECRET = 'webhook-secret-0123456789'
const SMTP_LOGIN = { user: 'lastgood', password: 'smtp-password-7731' }
const SECRETS = [SLACK_PATH, ROUTING_KEY, WEBHOOK_SECRET, SMTP_LOGIN.password]

const signal = () => AbortSignal.timeout(5000)

const rx = channelReceivers(SMTP_LOGIN)
beforeAll(() => {
  rx.http.route(SLACK_PATH, slackRoute()).route('/pd', pagerDutyRoute()).route('/hook', signedWebhookRoute(WEBHOOK_SECRET))
})

const slack = (path = SLACK_PATH) => channelFor({ name: 'it-team', type: 'slack', webhookUrl: rx.http.url(path) })
const pagerDuty = (path = '/pd') => channelFor({ name: 'on-call', type: 'pagerduty', routingKey: ROUTING_KEY, url: rx.http.url(path) })
const email = (over: Partial<Extract<ResolvedChannel, { type: 'email' }>['smtp']> = {}) =>
  channelFor({
    name: 'management',
    type: 'email',
    from: 'lastgood@clinic.example',
    to: ['head@clinic.example', 'it@clinic.example'],
    smtp: { host: '127.0.0.1', port: rx.smtp.port, secure: false, requireTls: false, ...SMTP_LOGIN, ...over },
  })

function expectNoSecret(d: Delivery): void {
  for (const s of SECRETS) expect(d.detail).not.toContain(s)
}

describe('Slack channel', () => {
  it('posts the title and body as mrkdwn text that a Slack-shaped receiver accepts', async () => {
    const m = sampleMessage()
    const d = await slack().send(m, signal())
    expect(d).toMatchObject({ ok: true, status: 200 })
    const [req] = rx.http.requests(SLACK_PATH)
    expect(req!.verdict).toBe('accepted')
    const body = JSON.parse(req!.body.toString()) as { text: string; blocks: Array<{ text: { text: string } }> }
    expect(body.text.startsWith('*INCIDENT DECLARED - clinic*\n')).toBe(true)
    expect(body.text).toContain('Issue: staff portal returns 503')
    expect(body.blocks[0]!.text.text).toBe(body.text)
    expectNoSecret(d)
  })

  it('retries 429 and 5xx, not a revoked webhook (404 no_service), and never names the URL', async () => {
    rx.http.route('/s/limited', () => ({ status: 429, body: 'rate_limited' }))
    rx.http.route('/s/down', () => ({ status: 503, body: 'upstream down' }))
    rx.http.route('/s/revoked', () => ({ status: 404, body: 'no_service' }))
    const limited = await slack('/s/limited').send(sampleMessage(), signal())
    const down = await slack('/s/down').send(sampleMessage(), signal())
    const revoked = await slack('/s/revoked').send(sampleMessage(), signal())
    expect([limited.retryable, down.retryable, revoked.retryable]).toEqual([true, true, false])
    expect(revoked).toMatchObject({ ok: false, status: 404, detail: 'slack it-team: HTTP 404 no_service' })
    for (const d of [limited, down, revoked]) expect(d.detail).not.toContain('/s/')
  })
})

describe('PagerDuty channel', () => {
  it('triggers, acknowledges and resolves one alert under one dedup_key, as the Events API v2 documents', async () => {
    const channel = pagerDuty()
    const before = rx.http.requests('/pd').length
    for (const lifecycle of ['trigger', 'acknowledge', 'resolve'] as const) {
      const d = await channel.send(sampleMessage({ lifecycle }), signal())
      expect(d).toMatchObject({ ok: true, status: 202 })
      expectNoSecret(d)
    }
    const events = rx.http.requests('/pd').slice(before)
    expect(events.map((r) => r.verdict)).toEqual(['accepted', 'accepted', 'accepted'])
    const bodies = events.map((r) => JSON.parse(r.body.toString()) as Record<string, any>)
    expect(bodies.map((b) => b.event_action)).toEqual(['trigger', 'acknowledge', 'resolve'])
    expect(new Set(bodies.map((b) => b.dedup_key))).toEqual(new Set(['lastgood/clinic/inc-1']))
    expect(bodies.every((b) => b.routing_key === ROUTING_KEY)).toBe(true)
    expect(bodies[0]!.payload).toMatchObject({
      summary: 'INCIDENT DECLARED - clinic',
      source: 'clinic',
      severity: 'critical',
      timestamp: '2026-03-01T10:00:00.000Z',
      class: 'critical_application_failure',
    })
    expect(Object.keys(bodies[1]!).sort()).toEqual(['dedup_key', 'event_action', 'routing_key'])
  })

  it('maps severities and keeps the summary within 1024 characters', async () => {
    const before = rx.http.requests('/pd').length
    for (const severity of ['high', 'medium', 'low'] as const)
      await pagerDuty().send(sampleMessage({ severity, title: 'x'.repeat(2000) }), signal())
    const bodies = rx.http
      .requests('/pd')
      .slice(before)
      .map((r) => JSON.parse(r.body.toString()) as { payload: { severity: string; summary: string } })
    expect(bodies.map((b) => b.payload.severity)).toEqual(['error', 'warning', 'info'])
    expect(bodies.every((b) => b.payload.summary.length === 1024)).toBe(true)
  })

  it('does not retry an invalid event (400) but retries 429 and 5xx', async () => {
    rx.http.route('/pd/invalid', () => ({ status: 400, body: '{"status":"invalid event","message":"Event object is invalid"}' }))
    rx.http.route(
      '/pd/busy',
      scripted([{ status: 429 }], () => ({ status: 500 })),
    )
    const invalid = await pagerDuty('/pd/invalid').send(sampleMessage(), signal())
    const busy = await pagerDuty('/pd/busy').send(sampleMessage(), signal())
    const broken = await pagerDuty('/pd/busy').send(sampleMessage(), signal())
    expect([invalid.retryable, busy.retryable, broken.retryable]).toEqual([false, true, true])
    expect(invalid.detail).toContain('Event object is invalid')
    for (const d of [invalid, busy, broken]) expectNoSecret(d)
  })
})

describe('email channel', () => {
  it('sends subject and body to every recipient over real SMTP with a login', async () => {
    const m = sampleMessage()
    const d = await email().send(m, signal())
    expect(d).toMatchObject({ ok: true, status: 250 })
    const mail = rx.smtp.mails.at(-1)!
    expect(mail).toMatchObject({ subject: 'INCIDENT DECLARED - clinic', from: 'lastgood@clinic.example', user: 'lastgood' })
    expect(mail.rcptTo).toEqual(['head@clinic.example', 'it@clinic.example'])
    expect(mail.to).toEqual(['head@clinic.example', 'it@clinic.example'])
    expect(mail.text.trim()).toBe(m.text)
    expectNoSecret(d)
  })

  it('retries a 4xx reply, not a 5xx one nor a refused login, and never shows the password', async () => {
    rx.smtp.refuse(451, 'Greylisted, try again later', 2)
    const greylisted = await email().send(sampleMessage(), signal())
    expect(greylisted).toMatchObject({ ok: false, retryable: true, status: 451 })
    rx.smtp.refuse(550, 'No such user', 2)
    const unknown = await email().send(sampleMessage(), signal())
    expect(unknown).toMatchObject({ ok: false, retryable: false, status: 550 })
    const badLogin = await email({ password: 'wrong-password-0000' }).send(sampleMessage(), signal())
    expect(badLogin).toMatchObject({ ok: false, retryable: false, status: 535 })
    for (const d of [greylisted, unknown, badLogin]) expectNoSecret(d)
  })

  it('retries a server that cannot be reached', async () => {
    const d = await email({ port: 1 }).send(sampleMessage(), signal())
    expect(d).toMatchObject({ ok: false, retryable: true })
    expect(d.detail).toMatch(/ECONNREFUSED|ECONNECTION/)
  })

  it('gives up at the signal on a server that never answers, leaving no connection open', async () => {
    const started = performance.now()
    const abort = new AbortController()
    setTimeout(() => abort.abort(new Error('timed out after 300ms')), 300)
    const connections = rx.hole.connections
    const d = await email({ port: rx.hole.port }).send(sampleMessage(), abort.signal)
    expect(performance.now() - started).toBeLessThan(1500)
    expect(d).toEqual({ ok: false, retryable: true, detail: 'email management: timed out after 300ms' })
    expect(rx.hole.connections).toBe(connections + 1)
    await expect.poll(() => rx.hole.open, { timeout: 1000 }).toBe(0)
  })
})

describe('webhook channel', () => {
  it('posts the message signed so that a receiver following the documented steps accepts it', async () => {
    const m = sampleMessage()
    const d = await channelFor({ name: 'security', type: 'webhook', url: rx.http.url('/hook'), secret: WEBHOOK_SECRET }).send(m, signal())
    expect(d).toMatchObject({ ok: true, status: 200 })
    const req = rx.http.requests('/hook').at(-1)!
    expect(req.verdict).toBe('accepted')
    expect(req.headers['x-lastgood-delivery']).toBe(m.id)
    expect(JSON.parse(req.body.toString())).toEqual(m)
    expectNoSecret(d)
  })

  it('an HTTP channel gives up at the signal on a receiver that never answers', async () => {
    const started = performance.now()
    const abort = new AbortController()
    setTimeout(() => abort.abort(new Error('timed out after 300ms')), 300)
    const d = await channelFor({ name: 'security', type: 'webhook', url: rx.hole.url('/hook'), secret: WEBHOOK_SECRET }).send(
      sampleMessage(),
      abort.signal,
    )
    expect(performance.now() - started).toBeLessThan(1500)
    expect(d).toEqual({ ok: false, retryable: true, detail: 'webhook security: timed out after 300ms' })
    await expect.poll(() => rx.hole.open, { timeout: 1000 }).toBe(0)
  })
})
