import { registerEndpoint } from '../../core/redact.js'
import type { Channel, Delivery, Message } from '../message.js'
import { httpDelivery, isAnswer, postJson } from '../post-json.js'
import type { SlackConfig } from './slack-config.js'

/** Slack's limit on the text of one section block. */
const SECTION_LIMIT = 3000

/**
 * A Slack incoming webhook. Success is 200 with the body `ok`; Slack answers a bad payload or a revoked
 * webhook with a 4xx and an error string (invalid_payload, no_service, channel_not_found), which retrying
 * will not fix, and rate limiting with 429, which it will.
 */
export function slackChannel(config: SlackConfig): Channel {
  const label = `slack ${config.name}`
  return {
    name: config.name,
    type: config.type,
    async send(m: Message, signal: AbortSignal): Promise<Delivery> {
      const answer = await postJson(label, config.webhookUrl, JSON.stringify(slackPayload(m)), {}, signal)
      return isAnswer(answer) ? httpDelivery(label, answer, answer.status === 200) : answer
    },
  }
}

/** The URL is the credential: whoever has its path can post to the channel. */
export function slackSecrets(config: SlackConfig): void {
  registerEndpoint(config.webhookUrl, { pathIsSecret: true })
}

/** `text` (what notifications and clients without blocks show) and the same as one mrkdwn section. */
export function slackPayload(m: Message): { text: string; blocks: object[] } {
  const body = m.text.split('\n').slice(1).join('\n').trim()
  const text = `*${escapeMrkdwn(m.title)}*${body ? `\n${escapeMrkdwn(body)}` : ''}`
  const section = text.length > SECTION_LIMIT ? `${text.slice(0, SECTION_LIMIT - 1)}…` : text
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: section } }] }
}

/** Slack reads &, < and > as control characters (links, mentions); in our text they are just characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
