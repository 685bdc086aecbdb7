import { z } from 'zod'
import { strictObject, textSchema } from '../../config-parts/schema-helpers.js'
import { httpUrlSchema } from '../http-url-schema.js'
import { isPlaceholderText, urlProblem } from '../placeholder-text.js'

export const PAGERDUTY = 'pagerduty'

export const pagerDutyConfigSchema = strictObject({
  type: z.literal(PAGERDUTY).describe('PagerDuty Events API v2: trigger, acknowledge and resolve one alert per incident.'),
  routing_key: textSchema('an Events API v2 integration key').describe('Integration (routing) key; a secret: ${PAGERDUTY_ROUTING_KEY}.'),
  url: httpUrlSchema('https://events.pagerduty.com/v2/enqueue')
    .default('https://events.pagerduty.com/v2/enqueue')
    .describe('Events API endpoint.'),
})

export interface PagerDutyConfig {
  name: string
  type: typeof PAGERDUTY
  routingKey: string
  url: string
}

export function resolvePagerDuty(name: string, c: z.output<typeof pagerDutyConfigSchema>): PagerDutyConfig {
  return { name, type: PAGERDUTY, routingKey: c.routing_key, url: c.url }
}

export function pagerDutyPlaceholders(c: PagerDutyConfig): string[] {
  return [...(isPlaceholderText(c.routingKey) ? ['routing_key'] : []), ...urlProblem('url', c.url)]
}
