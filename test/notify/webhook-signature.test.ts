import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelFor } from '../../src/channels/channel-registry.js'
import { signWebhook, verifyWebhook } from '../../src/channels/webhook/webhook-signature.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'
import { sampleMessage } from './fixtures.js'

const SECRET = 'shared-secret-for-case-12'

/**
 * RELIABILITY case 12: a signed webhook that was tampered with, unsigned, badly signed, too old or replayed
 * is refused — by a receiver that follows the documented steps (docs/disaster-recovery.md) (test/helpers/receivers.ts, written from the
 * documentation) and by verifyWebhook, which receivers written in TypeScript may import.
 */
describe('case 12: signed webhooks are refused when tampered with, unsigned, malformed, stale or replayed', () => {
  let receiver: HttpReceiver
  const route = signedWebhookRoute(SECRET)
  beforeAll(async () => {
    receiver = await HttpReceiver.start()
    receiver.route('/hook', route)
  })
  afterAll(() => receiver.close())

  /** A genuine delivery, as the channel sends it: its exact headers and body, captured by the receiver. */
  async function genuine(): Promise<{ headers: Record<string, string>; body: Buffer }> {
    const d = await channelFor({ name: 'security', type: 'webhook', url: receiver.url('/hook'), secret: SECRET }).send(
      sampleMessage(),
      AbortSignal.timeout(5000),
    )
    expect(d.ok).toBe(true)
    const req = receiver.requests('/hook').at(-1)!
    expect(req.verdict).toBe('accepted')
    const pick = (n: string) => req.headers[n] as string
    return {
      headers: {
        'content-type': 'application/json',
        'x-lastgood-delivery': pick('x-lastgood-delivery'),
        'x-lastgood-timestamp': pick('x-lastgood-timestamp'),
        'x-lastgood-signature': pick('x-lastgood-signature'),
      },
      body: req.body,
    }
  }

  async function replay(headers: Record<string, string>, body: Buffer): Promise<string> {
    const res = await fetch(receiver.url('/hook'), { method: 'POST', headers, body })
    await res.text()
    return receiver.requests('/hook').at(-1)!.verdict
  }

  function without(headers: Record<string, string>, name: string): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name))
  }

  it('refuses each forgery at the receiver, and verifyWebhook refuses the same for the same reason', async () => {
    const g = await genuine()
    const flipped = Buffer.from(g.body)
    flipped[10] = flipped[10]! ^ 0x01
    const old = Math.floor(Date.now() / 1000) - 301
    const oldSigned = { ...g.headers, ...lower(signWebhook({ secret: SECRET, deliveryId: 'old-delivery', timestamp: old, body: g.body })) }
    const cases: Array<[string, Record<string, string>, Buffer, string]> = [
      ['one byte of the body changed', g.headers, flipped, 'bad-signature'],
      ['no signature', without(g.headers, 'x-lastgood-signature'), g.body, 'missing-signature'],
      ['a malformed signature', { ...g.headers, 'x-lastgood-signature': 'sha256=deadbeef' }, g.body, 'malformed-signature'],
      ['a timestamp older than 5 minutes (signed correctly)', oldSigned, g.body, 'stale-timestamp'],
      ['a replayed delivery id', g.headers, g.body, 'replayed'],
    ]
    for (const [what, headers, body, reason] of cases) {
      expect(await replay(headers, body), what).toBe(reason)
      const seen = (id: string) => route.processed.has(id)
      expect(verifyWebhook({ secret: SECRET, headers, body, seen }), what).toEqual({ ok: false, reason })
    }
    // Only the genuine delivery was ever processed.
    expect([...route.processed]).toEqual([g.headers['x-lastgood-delivery']])
  })

  it('verifyWebhook accepts the genuine delivery once, and refuses it after the tolerance', async () => {
    const g = await genuine()
    const id = g.headers['x-lastgood-delivery']!
    expect(verifyWebhook({ secret: SECRET, headers: g.headers, body: g.body, seen: () => false })).toEqual({ ok: true, deliveryId: id })
    expect(verifyWebhook({ secret: SECRET, headers: g.headers, body: g.body.toString('utf8'), seen: () => false }).ok).toBe(true)
    const later = (Number(g.headers['x-lastgood-timestamp']) + 301) * 1000
    expect(verifyWebhook({ secret: SECRET, headers: g.headers, body: g.body, now: later, seen: () => false })).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    })
    expect(verifyWebhook({ secret: 'another-secret-of-16', headers: g.headers, body: g.body, seen: () => false })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
    // A forged request never reaches `seen`, so it can never mark an id as processed.
    const asked: string[] = []
    verifyWebhook({
      secret: SECRET,
      headers: g.headers,
      body: Buffer.concat([g.body, Buffer.from(' ')]),
      seen: (x) => (asked.push(x), false),
    })
    expect(asked).toEqual([])
  })

  it('any single-byte change of the body is refused (property)', () => {
    const timestamp = Math.floor(Date.now() / 1000)
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (body, at, delta) => {
        const headers = signWebhook({ secret: SECRET, deliveryId: 'd-1', timestamp, body })
        expect(verifyWebhook({ secret: SECRET, headers, body, seen: () => false }).ok).toBe(true)
        const changed = Uint8Array.from(body)
        const i = at % body.length
        changed[i] = (changed[i]! + delta) % 256
        return !verifyWebhook({ secret: SECRET, headers, body: changed, seen: () => false }).ok
      }),
      { numRuns: 300 },
    )
  })

  it('the delivery id and the timestamp are signed too: swapping either is refused', async () => {
    const g = await genuine()
    const now = Number(g.headers['x-lastgood-timestamp'])
    expect(await replay({ ...g.headers, 'x-lastgood-delivery': 'another-id' }, g.body)).toBe('bad-signature')
    expect(await replay({ ...g.headers, 'x-lastgood-timestamp': String(now - 1) }, g.body)).toBe('bad-signature')
  })
})

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
}
