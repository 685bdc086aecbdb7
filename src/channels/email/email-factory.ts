import { defineChannel } from '../channel-factory.js'
import { emailChannel, emailSecrets } from './email-channel.js'
import { EMAIL, emailConfigSchema, emailPlaceholders, resolveEmail } from './email-config.js'

export const emailFactory = defineChannel({
  kind: EMAIL,
  capabilities: { transport: 'smtp' },
  configSchema: emailConfigSchema,
  resolve: resolveEmail,
  secrets: emailSecrets,
  placeholders: emailPlaceholders,
  create: emailChannel,
})
