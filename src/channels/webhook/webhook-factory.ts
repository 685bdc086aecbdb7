import { defineChannel } from '../channel-factory.js'
import { webhookChannel, webhookSecrets } from './webhook-channel.js'
import { resolveWebhook, WEBHOOK, webhookConfigSchema, webhookPlaceholders } from './webhook-config.js'

export const webhookFactory = defineChannel({
  kind: WEBHOOK,
  capabilities: { transport: 'http' },
  configSchema: webhookConfigSchema,
  resolve: resolveWebhook,
  secrets: webhookSecrets,
  placeholders: webhookPlaceholders,
  create: (config) => webhookChannel(config),
})
