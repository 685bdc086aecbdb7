import type { ResolvedConfig } from '../config/types.js'
import { channelPlaceholders } from '../channels/channel-registry.js'

/**
 * Channels whose endpoint is still a placeholder (channels/placeholder-text.ts): valid configuration,
 * but nobody hears what is sent there. One line per channel, naming the fields each kind reports.
 */
export function placeholderChannels(config: ResolvedConfig): { target: string; message: string }[] {
  const out: { target: string; message: string }[] = []
  for (const channel of config.notifications.channels) {
    const fields = channelPlaceholders(channel)
    if (fields.length === 0) continue
    out.push({
      target: `notifications.channels.${channel.name}`,
      message: `${channel.type} channel ${channel.name}: ${fields.join('; ')} ${fields.length > 1 ? 'are placeholders' : 'is a placeholder'}; notifications to it will not reach anyone until it is set`,
    })
  }
  return out
}
