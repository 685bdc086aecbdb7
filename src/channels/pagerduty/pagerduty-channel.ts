import type { Severity } from '../../config-parts/incident-vocabulary.js'
import { registerEndpoint, registerSecret } from '../../core/redact.js'
import type { Channel, Delivery, Message } from '../message.js'
import { httpDelivery, isAnswer, postJson } from '../post-json.js'
import type { PagerDutyConfig } from './pagerduty-config.js'

/** Events API v2 limits (PagerDuty developer docs, "Send an Alert Event"). */
const SUMMARY_LIMIT = 1024
const DEDUP_LIMIT = 255

const SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
}

/**
 * PagerDuty Events API v2: one alert per incident, keyed by the message's dedupKey, triggered when the
 * incident is declared (and re-triggered by later messages, which PagerDuty folds into the open alert),
 * acknowledged while it is handled, resolved when it is. Success is 202 with `{"status":"success"}`; 400 is
 * an invalid event (not retried), 429 and 5xx are retried, as the Events API documents.
 */
export function pagerDutyChannel(config: PagerDutyConfig): Channel {
  const label = `pagerduty ${config.name}`
  return {
    name: config.name,
    type: config.type,
    async send(m: Message, signal: AbortSignal): Promise<Delivery> {
      const answer = await postJson(label, config.url, JSON.stringify(pagerDutyEvent(config.routingKey, m)), {}, signal)
      return isAnswer(answer) ? httpDelivery(label, answer, answer.status === 202 && (!answer.complete || accepted(answer.body))) : answer
    },
  }
}

/** The routing key lets anyone open alerts on the service; the URL may carry credentials of a proxy. */
export function pagerDutySecrets(config: PagerDutyConfig): void {
  registerSecret(config.routingKey)
  registerEndpoint(config.url)
}

export function pagerDutyEvent(routingKey: string, m: Message): Record<string, unknown> {
  const head = { routing_key: routingKey, event_action: m.lifecycle, dedup_key: m.dedupKey.slice(0, DEDUP_LIMIT) }
  if (m.lifecycle !== 'trigger') return head
  return {
    ...head,
    client: 'lastgood',
    payload: {
      summary: m.title.length > SUMMARY_LIMIT ? `${m.title.slice(0, SUMMARY_LIMIT - 1)}…` : m.title,
      source: m.platform,
      severity: SEVERITY[m.severity],
      timestamp: m.at,
      component: m.incident?.scope.join(', ') || m.platform,
      group: m.platform,
      class: m.incident?.type ?? m.kind,
      custom_details: {
        message: m.text,
        kind: m.kind,
        delivery: m.id,
        ...(m.incident ? { incident: m.incident.id, level: m.incident.level } : {}),
      },
    },
  }
}

/**
 * A 202 whose body is not PagerDuty's `{"status":"success"}` came from something that is not PagerDuty. A body
 * cut off by the attempt's deadline cannot say: the 202 is taken as PagerDuty's (sending again would only repeat the event).
 */
function accepted(body: string): boolean {
  try {
    return (JSON.parse(body) as { status?: unknown }).status === 'success'
  } catch {
    return false
  }
}
