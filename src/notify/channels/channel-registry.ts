import type { ResolvedChannel } from '../../config/types.js'
import type { Channel } from '../message.js'
import { emailChannel, emailSecrets } from './email.js'
import { pagerDutyChannel, pagerDutySecrets } from './pagerduty.js'
import { slackChannel, slackSecrets } from './slack.js'
import { webhookChannel, webhookSecrets } from './webhook.js'

interface ChannelKind<C> {
  create: (config: C) => Channel
  /** Registers the configuration's secrets (and the secret parts of its endpoint) for redaction. */
  secrets: (config: C) => void
}
type Kinds = { [T in ResolvedChannel['type']]: ChannelKind<Extract<ResolvedChannel, { type: T }>> }

/** One entry per channel type; a new type is one line here and one file beside it. */
const KINDS: Kinds = {
  slack: { create: slackChannel, secrets: slackSecrets },
  pagerduty: { create: pagerDutyChannel, secrets: pagerDutySecrets },
  email: { create: emailChannel, secrets: emailSecrets },
  webhook: { create: (config) => webhookChannel(config), secrets: webhookSecrets },
}

function kindOf(config: ResolvedChannel): ChannelKind<ResolvedChannel> {
  return KINDS[config.type] as ChannelKind<ResolvedChannel>
}

/**
 * Registers every channel's secrets for redaction. Called when a platform is opened, so that any text
 * that enters the process (a receiver's answer, a command's output) is masked even before a channel is made.
 */
export function registerChannelSecrets(channels: ResolvedChannel[]): void {
  for (const c of channels) kindOf(c).secrets(c)
}

/** The channel that delivers to a configured destination. Registers its secrets for redaction. */
export function channelFor(config: ResolvedChannel): Channel {
  const kind = kindOf(config)
  kind.secrets(config)
  return kind.create(config)
}
