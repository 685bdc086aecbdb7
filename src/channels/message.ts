import type { Severity, TemplateName } from '../config-parts/incident-vocabulary.js'

/**
 * What every channel is handed: one rendered message. Built once when it is queued (notify/enqueue.ts) and
 * stored in the outbox, so a retry sends the same text and the same delivery id.
 */
export interface Message {
  /** Delivery id: unique per message and channel, the same on every retry (receivers drop replays by it). */
  id: string
  kind: TemplateName
  platform: string
  /** One line: the first line of the rendered template. */
  title: string
  /** The whole rendered template. */
  text: string
  severity: Severity
  /** ISO-8601 with milliseconds: when the message was queued. */
  at: string
  incident?: {
    id: string
    type: string
    status: string
    level: number
    scope: string[]
  }
  /** PagerDuty's event_action: the incident's alert is triggered, acknowledged (being handled) or resolved. */
  lifecycle: 'trigger' | 'acknowledge' | 'resolve'
  /** The same for every message about one incident (PagerDuty dedup_key). */
  dedupKey: string
  /** The values the template was rendered with, for structured receivers. */
  details: Record<string, string>
}

export interface Delivery {
  ok: boolean
  /** Worth another attempt: network errors, timeouts, 429 and 5xx; a 4xx other than 429 is not. */
  retryable: boolean
  /** HTTP status or SMTP reply code, when there was one. */
  status?: number
  /** One line for the timeline; never contains a secret (a webhook URL, a routing key). */
  detail: string
}

/**
 * One notification channel: Slack, PagerDuty, email, a signed webhook.
 * Contract: send() never throws and never waits past `signal`; a failure is a Delivery with ok false. It may
 * be called again with the same message (a retry): receivers see the same delivery id.
 */
export interface Channel {
  readonly name: string
  readonly type: string
  send(m: Message, signal: AbortSignal): Promise<Delivery>
}
