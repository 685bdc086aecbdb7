import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The signed-webhook contract (docs/disaster-recovery.md: Verifying webhooks). Every request carries
 *   X-Lastgood-Delivery:  the delivery id, the same on every retry of one message
 *   X-Lastgood-Timestamp: unix seconds when this attempt was signed
 *   X-Lastgood-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<delivery id>.<raw body>")>
 * The timestamp bounds a replay in time, the delivery id lets a receiver drop a replay inside that bound,
 * and both are signed with the body so neither can be swapped.
 */
export const DELIVERY_HEADER = 'X-Lastgood-Delivery'
export const TIMESTAMP_HEADER = 'X-Lastgood-Timestamp'
export const SIGNATURE_HEADER = 'X-Lastgood-Signature'

const SIGNATURE = /^v1=([0-9a-f]{64})$/i
const TIMESTAMP = /^\d{1,12}$/

export type Body = string | Uint8Array

export function signWebhook(opts: { secret: string; deliveryId: string; timestamp: number; body: Body }): Record<string, string> {
  return {
    [DELIVERY_HEADER]: opts.deliveryId,
    [TIMESTAMP_HEADER]: String(opts.timestamp),
    [SIGNATURE_HEADER]: `v1=${mac(opts.secret, String(opts.timestamp), opts.deliveryId, opts.body).toString('hex')}`,
  }
}

export type VerifyFailure =
  | 'missing-signature'
  | 'missing-timestamp'
  | 'missing-delivery'
  | 'malformed-signature'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'bad-signature'
  | 'replayed'

export type VerifyResult = { ok: true; deliveryId: string } | { ok: false; reason: VerifyFailure }

export interface VerifyInput {
  secret: string
  /** Request headers, any case (Node's IncomingHttpHeaders, a fetch Headers turned into an object…). */
  headers: Record<string, string | string[] | undefined>
  /** The raw body exactly as received: parsing and re-serialising JSON changes the bytes. */
  body: Body
  /** Milliseconds since the epoch; default now. */
  now?: number
  /** How far the timestamp may be from now, either way; default 300 s. */
  toleranceSeconds?: number
  /**
   * Whether this delivery id was already processed. Asked last, only for a request whose signature is good,
   * so a forged request can never mark an id as seen. Remember ids at least toleranceSeconds.
   */
  seen: (deliveryId: string) => boolean
}

/** Checks one request in the documented order; the first failing check is the reason. */
export function verifyWebhook(input: VerifyInput): VerifyResult {
  const signature = header(input.headers, SIGNATURE_HEADER)
  const timestamp = header(input.headers, TIMESTAMP_HEADER)
  const deliveryId = header(input.headers, DELIVERY_HEADER)
  if (signature === undefined) return { ok: false, reason: 'missing-signature' }
  if (timestamp === undefined) return { ok: false, reason: 'missing-timestamp' }
  if (deliveryId === undefined || deliveryId === '') return { ok: false, reason: 'missing-delivery' }
  const hex = SIGNATURE.exec(signature.trim())?.[1]
  if (!hex) return { ok: false, reason: 'malformed-signature' }
  if (!TIMESTAMP.test(timestamp.trim())) return { ok: false, reason: 'malformed-timestamp' }
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000)
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale-timestamp' }
  const expected = mac(input.secret, timestamp.trim(), deliveryId, input.body)
  if (!timingSafeEqual(expected, Buffer.from(hex, 'hex'))) return { ok: false, reason: 'bad-signature' }
  if (input.seen(deliveryId)) return { ok: false, reason: 'replayed' }
  return { ok: true, deliveryId }
}

function mac(secret: string, timestamp: string, deliveryId: string, body: Body): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${deliveryId}.`).update(body).digest()
}

function header(headers: VerifyInput['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    // A header sent twice is ambiguous: which one was signed? Treat it as absent.
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value
  }
  return undefined
}
