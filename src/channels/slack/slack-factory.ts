import { defineChannel } from '../channel-factory.js'
import { slackChannel, slackSecrets } from './slack-channel.js'
import { resolveSlack, SLACK, slackConfigSchema, slackPlaceholders } from './slack-config.js'

export const slackFactory = defineChannel({
  kind: SLACK,
  capabilities: { transport: 'http' },
  configSchema: slackConfigSchema,
  resolve: resolveSlack,
  secrets: slackSecrets,
  placeholders: slackPlaceholders,
  create: slackChannel,
})
