import { registerEndpoint, registerSecret } from '../../core/redact.js'
import type { Channel, Delivery, Message } from '../message.js'
import { httpDelivery, isAnswer, postJson } from '../post-json.js'
import type { WebhookConfig } from './webhook-config.js'
import { signWebhook } from './webhook-signature.js'

/**
 * A JSON POST of the Message, signed (webhook-signature.ts). The delivery id is the message id, so a retry is
 * recognisable as the same delivery; the timestamp and signature are made fresh for each attempt, so a retry
 * after minutes is not refused as stale. Any 2xx is delivered.
 */
export function webhookChannel(config: WebhookConfig, now: () => number = Date.now): Channel {
  const label = `webhook ${config.name}`
  return {
    name: config.name,
    type: config.type,
    async send(m: Message, signal: AbortSignal): Promise<Delivery> {
      const body = JSON.stringify(m)
      const headers = signWebhook({ secret: config.secret, deliveryId: m.id, timestamp: Math.floor(now() / 1000), body })
      const answer = await postJson(label, config.url, body, headers, signal)
      return isAnswer(answer) ? httpDelivery(label, answer) : answer
    },
  }
}

/** The signing secret, and credentials in the URL (userinfo, a token in the query). */
export function webhookSecrets(config: WebhookConfig): void {
  registerSecret(config.secret)
  registerEndpoint(config.url)
}
