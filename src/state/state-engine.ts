import type { z } from 'zod'
import type { State } from './state.js'

/** Where the configuration says the state is: the state directory, and `database` when it names one. */
export interface StateSettings {
  stateDir: string
  database?: { url: string; schema: string }
}

/** What sets one engine apart from another, so callers test a flag instead of an engine's name. */
export interface StateCapabilities {
  /** The state is files in the state directory, on this host's disks, whose free space is worth checking. */
  localDisk: boolean
}

/**
 * One state engine, as the registry knows it. Adding an engine is a folder under state/ with its opener and
 * one of these, plus one line in the registry; the state conformance suite then runs against it.
 */
export interface StateEngine<C = unknown> {
  readonly kind: string
  readonly capabilities: StateCapabilities
  /**
   * The settings this engine accepts. The settings imply the engine (a `database` block or none): exactly one
   * registered engine's schema accepts any valid configuration.
   */
  readonly configSchema: z.ZodType<C>
  /** Opens the state, creating it and bringing its schema up to date as needed. */
  create(config: C): Promise<State>
}
