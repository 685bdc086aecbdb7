import { redact } from '../../core/redact.js'
import type { Delivery } from '../message.js'

export interface HttpAnswer {
  status: number
  /** The response body (an answer is small: `ok`, an error string, PagerDuty's status JSON). */
  body: string
}

/**
 * POSTs a JSON body for the HTTP channels (Slack, PagerDuty, webhook). Never throws: a network error or an
 * aborted attempt is a non-ok, retryable Delivery. The URL is never repeated in what comes back: for Slack
 * it is the secret itself.
 */
export async function postJson(
  label: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HttpAnswer | Delivery> {
  if (signal.aborted) return abortedDelivery(label, signal)
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'lastgood', ...headers },
      body,
      signal,
      // A redirect could carry the request (and a signature) elsewhere; a receiver answers where it is.
      redirect: 'manual',
    })
    const text = await res.text()
    return { status: res.status, body: text.slice(0, 65_536) }
  } catch (err) {
    if (signal.aborted) return abortedDelivery(label, signal)
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return { ok: false, retryable: true, detail: redact(`${label}: ${cause?.code ?? cause?.message ?? (err as Error).message}`) }
  }
}

/**
 * The HTTP statuses every channel reads alike: 2xx delivered; 408, 425, 429 and 5xx worth another attempt
 * (the receiver is busy or down); any other status will not change by retrying (a bad payload, a revoked URL).
 */
export function httpDelivery(label: string, answer: HttpAnswer, ok = answer.status >= 200 && answer.status < 300): Delivery {
  const retryable = !ok && (answer.status >= 500 || [408, 425, 429].includes(answer.status))
  const body = answer.body ? ` ${oneLine(answer.body)}` : ''
  return { ok, retryable, status: answer.status, detail: redact(`${label}: HTTP ${answer.status}${body}`) }
}

export function isAnswer(x: HttpAnswer | Delivery): x is HttpAnswer {
  return 'body' in x
}

/** What an attempt that was cut off by its signal reports: the signal's reason (a timeout, a shutdown). */
export function abortedDelivery(label: string, signal: AbortSignal): Delivery {
  const reason = signal.reason instanceof Error && signal.reason.name !== 'AbortError' ? signal.reason.message : 'aborted'
  return { ok: false, retryable: true, detail: redact(`${label}: ${reason}`) }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}
