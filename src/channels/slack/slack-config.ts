import { z } from 'zod'
import { strictObject } from '../../config-parts/schema-helpers.js'
import { httpUrlSchema } from '../http-url-schema.js'
import { urlProblem } from '../placeholder-text.js'

export const SLACK = 'slack'

export const slackConfigSchema = strictObject({
  type: z.literal(SLACK).describe('A Slack incoming webhook.'),
  webhook_url: httpUrlSchema('https://hooks.slack.com/services/T000/B000/XXXX').describe(
    'Incoming-webhook URL; it is a secret: put it in the environment, ${SLACK_WEBHOOK_URL}.',
  ),
})

export interface SlackConfig {
  name: string
  type: typeof SLACK
  webhookUrl: string
}

export function resolveSlack(name: string, c: z.output<typeof slackConfigSchema>): SlackConfig {
  return { name, type: SLACK, webhookUrl: c.webhook_url }
}

export function slackPlaceholders(c: SlackConfig): string[] {
  return urlProblem('webhook_url', c.webhookUrl)
}
