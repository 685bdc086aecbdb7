import { describe, expect, it } from 'vitest'
import { CHANNELS, channelFor, channelKinds } from '../../src/channels/channel-registry.js'
import type { Delivery } from '../../src/channels/message.js'
import { CHANNEL_FIXTURES, SMTP_LOGIN, type Target } from './channel-fixtures.js'
import { channelReceivers } from './channel-receivers.js'
import { sampleMessage } from './fixtures.js'

/**
 * The contract of every channel (message.ts), run against each kind in the registry with real receivers:
 * send() returns within its timeout whatever the receiver does, says whether another attempt may succeed
 * (HTTP: 4xx permanent, 5xx and timeouts retryable; SMTP: a 5xx reply permanent, a 4xx reply or a dead
 * server retryable), and never records a secret that a receiver echoes back.
 */

const TIMEOUT_MS = 300
/** What a timed-out attempt may take beyond its timeout (closing the connection), on a loaded machine too. */
const SLACK_MS = 1200

const rx = channelReceivers(SMTP_LOGIN)

it('every registered channel kind has a conformance fixture', () => {
  expect(Object.keys(CHANNEL_FIXTURES).sort()).toEqual([...channelKinds].sort())
})

describe.each(CHANNELS.map((f) => [f.kind, f.capabilities.transport] as const))('%s channel conformance', (kind, transport) => {
  const fixture = CHANNEL_FIXTURES[kind]
  const overHttp = transport === 'http'
  const live = (): Target => (overHttp ? { url: `http://127.0.0.1:${rx.http.port}` } : { host: '127.0.0.1', port: rx.smtp.port })
  const send = (target: Target, signal: AbortSignal = AbortSignal.timeout(5000)) =>
    channelFor(fixture.config(target)).send(sampleMessage(), signal)
  const expectNoSecret = (d: Delivery) => {
    for (const s of fixture.secrets) expect(d.detail).not.toContain(s)
  }

  it('returns within its timeout from a receiver that accepts the connection and never answers, as retryable', async () => {
    const started = performance.now()
    const target = overHttp ? { url: `http://127.0.0.1:${rx.hole.port}` } : { host: '127.0.0.1', port: rx.hole.port }
    const d = await send(target, AbortSignal.timeout(TIMEOUT_MS))
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS)
    expect(d).toMatchObject({ ok: false, retryable: true })
    await expect.poll(() => rx.hole.open, { timeout: 1000 }).toBe(0)
  })

  it('classifies a refusal as permanent and a failure of the moment as retryable', async () => {
    const outcomes: [number, boolean][] = []
    for (const status of overHttp ? [400, 403, 404, 500, 502, 503] : [550, 553, 451, 452]) {
      if (overHttp) rx.http.otherwise(() => ({ status, body: `status ${status}` }))
      else rx.smtp.refuse(status, `reply ${status}`)
      const d = await send(live())
      expect(d.ok).toBe(false)
      expect(d.status).toBe(status)
      outcomes.push([status, d.retryable])
    }
    expect(outcomes).toEqual(outcomes.map(([status]) => [status, status >= 500 === overHttp]))
  })

  it('never records a secret that the receiver echoes back in its refusal', async () => {
    const echoed: string[] = []
    rx.http.otherwise((req) => {
      const echo = `${req.path} ${req.headers.authorization ?? ''} ${req.body.toString('utf8')}`
      echoed.push(echo)
      return { status: echoed.length % 2 === 1 ? 400 : 503, body: echo }
    })
    const deliveries: Delivery[] = []
    for (let i = 0; i < 2; i++) {
      if (!overHttp) rx.smtp.echoLogin()
      deliveries.push(await send(live()))
    }
    // The receiver did have secrets to echo: the test would prove nothing otherwise.
    if (overHttp) expect(echoed.some((e) => fixture.secrets.some((s) => e.includes(s)))).toBe(true)
    for (const d of deliveries) {
      expect(d).toMatchObject({ ok: false })
      expect(d.detail.length).toBeGreaterThan(0)
      expectNoSecret(d)
    }
  })
})
