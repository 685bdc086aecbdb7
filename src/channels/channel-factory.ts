import type { z } from 'zod'
import type { Channel } from './message.js'

/** What lastgood and the conformance suite may rely on about a channel without knowing its kind. */
export interface ChannelCapabilities {
  /**
   * How a message travels. `http`: a POST through post-json.ts (4xx permanent; 408, 425, 429 and 5xx retried).
   * `smtp`: a mail (a 5xx reply permanent, a 4xx reply or a lost connection retried).
   */
  transport: 'http' | 'smtp'
}

/** A channel's entry as the rest of lastgood sees it: the configured name and the kind that delivers. */
export interface ChannelConfig<K extends string = string> {
  name: string
  type: K
}

/**
 * One kind of notification channel, in a folder of its own (`channels/<kind>/`) and listed once in
 * channel-registry.ts, which assembles the configuration's union of kinds from these factories.
 */
export interface ChannelFactory<K extends string, S extends z.ZodObject, C extends ChannelConfig<K>> {
  readonly kind: K
  readonly capabilities: ChannelCapabilities
  /** One entry of `notifications.channels`: strict, snake_case, `type: <kind>`; its descriptions are the reference. */
  readonly configSchema: S
  /** The validated entry in the resolved configuration's words (camelCase, defaults applied). */
  resolve(name: string, entry: z.output<S>): C
  /** Registers the configuration's secrets (and the secret parts of its endpoint) for redaction. */
  secrets(config: C): void
  /**
   * The fields that still hold a placeholder (an example's defaults for unset variables), each as `lastgood
   * validate` names it: the field and, for a host, the host; never the rest of a URL or a key.
   */
  placeholders(config: C): string[]
  /** The channel that delivers to this destination. Its send() never throws (message.ts). */
  create(config: C): Channel
}

/** Infers a factory's types from its fields, so that a channel's file states them once. */
export function defineChannel<K extends string, S extends z.ZodObject, C extends ChannelConfig<K>>(
  factory: ChannelFactory<K, S, C>,
): ChannelFactory<K, S, C> {
  return factory
}
