import { z } from 'zod'
import { expected, strictObject } from '../../config-parts/schema-helpers.js'
import { httpUrlSchema } from '../http-url-schema.js'
import { isPlaceholderText, urlProblem } from '../placeholder-text.js'

export const WEBHOOK = 'webhook'

export const webhookConfigSchema = strictObject({
  type: z.literal(WEBHOOK).describe('A JSON POST signed with HMAC-SHA256 (timestamped, with a delivery id against replays).'),
  url: httpUrlSchema('https://hooks.clinic.example/lastgood').describe('Where to POST.'),
  secret: z
    .string({ error: expected('a shared secret of at least 16 characters') })
    .min(16, { error: expected('a shared secret of at least 16 characters') })
    .describe('Shared HMAC secret; the receiver verifies with it (docs/disaster-recovery.md: Verifying webhooks). Use ${WEBHOOK_SECRET}.'),
})

export interface WebhookConfig {
  name: string
  type: typeof WEBHOOK
  url: string
  secret: string
}

export function resolveWebhook(name: string, c: z.output<typeof webhookConfigSchema>): WebhookConfig {
  return { name, type: WEBHOOK, url: c.url, secret: c.secret }
}

export function webhookPlaceholders(c: WebhookConfig): string[] {
  return [...urlProblem('url', c.url), ...(isPlaceholderText(c.secret) ? ['secret'] : [])]
}
