import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { redact } from '../core/redact.js'
import { asError } from '../core/errors.js'
import type { Delivery } from './message.js'

export interface HttpAnswer {
  status: number
  /** The response body (an answer is small: `ok`, an error string, PagerDuty's status JSON). */
  body: string
  /** False when the attempt ended (its deadline, a dropped connection) after the status came but before the body. */
  complete: boolean
}

/** Enough of an answer for an error string or PagerDuty's status JSON; the rest is not read into memory. */
const BODY_LIMIT = 65_536

/**
 * POSTs a JSON body for the HTTP channels (Slack, PagerDuty, webhook). Never throws: a network error or an
 * aborted attempt is a non-ok, retryable Delivery. The URL is never repeated in what comes back: for Slack
 * it is the secret itself. One connection per attempt (no keep-alive pool), closed when the signal fires, so
 * an endpoint that never answers keeps nothing open past the attempt; redirects are not followed (one could
 * carry the request, and a signature, elsewhere).
 */
export function postJson(
  label: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HttpAnswer | Delivery> {
  if (signal.aborted) return Promise.resolve(abortedDelivery(label, signal))
  return new Promise((resolve) => {
    // Once the status has come, the receiver has answered: a 2xx is delivered even if the deadline cuts the body.
    let answered: ((complete: boolean) => void) | undefined
    const fail = (err: Error & { code?: string }) => {
      if (answered) answered(false)
      else
        resolve(
          signal.aborted
            ? abortedDelivery(label, signal)
            : { ok: false, retryable: true, detail: redact(`${label}: ${err.code ?? err.message}`) },
        )
    }
    try {
      const target = new URL(url)
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest
      const req = send(
        target,
        {
          method: 'POST',
          agent: false,
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'lastgood',
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          answered = (complete) =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT), complete })
          res.on('data', (chunk: Buffer) => {
            if (size < BODY_LIMIT) chunks.push(chunk)
            size += chunk.length
          })
          res.on('end', () => answered!(true))
          res.on('error', fail)
          res.on('close', () => answered!(false))
        },
      )
      req.on('error', fail)
      req.end(body)
    } catch (err) {
      fail(asError(err))
    }
  })
}

/**
 * The HTTP statuses every channel reads alike: 2xx delivered; 408, 425, 429 and 5xx worth another attempt
 * (the receiver is busy or down); any other status will not change by retrying (a bad payload, a revoked URL).
 */
export function httpDelivery(label: string, answer: HttpAnswer, ok = answer.status >= 200 && answer.status < 300): Delivery {
  const retryable = !ok && (answer.status >= 500 || [408, 425, 429].includes(answer.status))
  // Redacted before it is cut: a secret cut in half would no longer be recognised, and half of it would stay.
  const body = answer.body ? ` ${oneLine(redact(answer.body))}` : ''
  return { ok, retryable, status: answer.status, detail: `${label}: HTTP ${answer.status}${body}` }
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
