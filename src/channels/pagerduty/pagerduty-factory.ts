import { defineChannel } from '../channel-factory.js'
import { pagerDutyChannel, pagerDutySecrets } from './pagerduty-channel.js'
import { PAGERDUTY, pagerDutyConfigSchema, pagerDutyPlaceholders, resolvePagerDuty } from './pagerduty-config.js'

export const pagerDutyFactory = defineChannel({
  kind: PAGERDUTY,
  capabilities: { transport: 'http' },
  configSchema: pagerDutyConfigSchema,
  resolve: resolvePagerDuty,
  secrets: pagerDutySecrets,
  placeholders: pagerDutyPlaceholders,
  create: pagerDutyChannel,
})
