import { z } from 'zod'
import { expected } from '../config-parts/schema-helpers.js'
import type { Channel } from './message.js'
import type { ChannelFactory } from './channel-factory.js'
import { emailFactory } from './email/email-factory.js'
import { pagerDutyFactory } from './pagerduty/pagerduty-factory.js'
import { slackFactory } from './slack/slack-factory.js'
import { webhookFactory } from './webhook/webhook-factory.js'

/** Every channel kind, one line each; a new kind is a folder beside these and one line here. */
export const CHANNELS = [slackFactory, pagerDutyFactory, emailFactory, webhookFactory] as const

type AnyChannelFactory = (typeof CHANNELS)[number]
export type ChannelKind = AnyChannelFactory['kind']
/** One configured channel, resolved: the union of every kind's own configuration. */
export type ResolvedChannel = ReturnType<AnyChannelFactory['resolve']>

export const channelKinds: ChannelKind[] = CHANNELS.map((c) => c.kind)

type SchemasOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I] extends { configSchema: infer S } ? S : never }

/** One entry of `notifications.channels`, any kind; `type` says which. */
export const channelConfigSchema = z
  .discriminatedUnion('type', CHANNELS.map((c) => c.configSchema) as unknown as SchemasOf<typeof CHANNELS>, {
    error: expected(`a channel type, one of ${channelKinds.join(', ')}`),
  })
  .describe('Where messages go; `type` says how.')

type ChannelEntry = z.output<typeof channelConfigSchema>

/** A factory seen through the union: sound because a config only ever reaches the factory of its own `type`. */
type KindFactory = ChannelFactory<ChannelKind, z.ZodObject, ResolvedChannel> & {
  resolve(name: string, entry: ChannelEntry): ResolvedChannel
}

function factoryOf(config: { type: ChannelKind }): KindFactory {
  return CHANNELS.find((c) => c.kind === config.type) as unknown as KindFactory
}

export function resolveChannel(name: string, entry: z.output<typeof channelConfigSchema>): ResolvedChannel {
  return factoryOf(entry).resolve(name, entry)
}

/**
 * Registers every channel's secrets for redaction. Called when a platform is opened, so that any text
 * that enters the process (a receiver's answer, a command's output) is masked even before a channel is made.
 */
export function registerChannelSecrets(channels: ResolvedChannel[]): void {
  for (const c of channels) factoryOf(c).secrets(c)
}

/** The channel that delivers to a configured destination. Registers its secrets for redaction. */
export function channelFor(config: ResolvedChannel): Channel {
  const factory = factoryOf(config)
  factory.secrets(config)
  return factory.create(config)
}

/** The channel's fields that still hold a placeholder (see placeholder-text.ts). */
export function channelPlaceholders(config: ResolvedChannel): string[] {
  return factoryOf(config).placeholders(config)
}
