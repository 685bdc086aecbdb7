import type { ResolvedChannel } from '../../config/types.js'
import type { Channel } from '../message.js'
import { emailChannel } from './email.js'
import { pagerDutyChannel } from './pagerduty.js'
import { slackChannel } from './slack.js'
import { webhookChannel } from './webhook.js'

type Factories = { [T in ResolvedChannel['type']]: (config: Extract<ResolvedChannel, { type: T }>) => Channel }

/** One factory per channel type; a new type is one line here and one file beside it. */
const FACTORIES: Factories = {
  slack: slackChannel,
  pagerduty: pagerDutyChannel,
  email: emailChannel,
  webhook: (config) => webhookChannel(config),
}

/** The channel that delivers to a configured destination. Registers its secrets for redaction. */
export function channelFor(config: ResolvedChannel): Channel {
  return (FACTORIES[config.type] as (c: ResolvedChannel) => Channel)(config)
}
