import type { z } from 'zod'
import type { MetricKind, MetricSource } from './metric-source.js'

/** What the monitor and the configuration may rely on about a source without knowing its kind. */
export interface SourceCapabilities {
  /** The metric kinds it measures; a trigger of another kind is refused by the configuration's check. */
  measures: readonly MetricKind[]
  /** error_rate over the last N requests (MetricQuery.lastRequests), not only over a time window. */
  lastRequests: boolean
  /** Measures the app's own health-check rounds: an app without health checks gives it nothing to measure. */
  healthChecks: boolean
}

/**
 * What a source may know of an app (a ResolvedApp is one). Declared here rather than taken from config/types.ts,
 * whose trigger type names the registry's kinds: the factories' types must not depend on themselves.
 */
export interface SourceApp {
  name: string
  health: { intervalMs: number }
  triggers: readonly { kind: string; windowMs?: number; overRequests?: number }[]
  prometheusSelector: string
}

export interface SourceContext<R> {
  /** The source's resolved top-level settings; undefined when the configuration has none. */
  settings: R | undefined
  apps: readonly SourceApp[]
}

/**
 * One kind of metric source, in a folder of its own (`metrics/<kind>/`) and listed once in
 * source-registry.ts, which assembles the trigger's `source:` choice and the top-level settings from these.
 */
export interface MetricSourceFactory<K extends string, S extends z.ZodType | undefined, R> {
  readonly kind: K
  readonly capabilities: SourceCapabilities
  /** For people: the name in messages ("Prometheus") and what it reads, in the configuration reference. */
  readonly title: string
  readonly description: string
  /**
   * Its top-level `<kind>:` mapping in lastgood.yaml, for a source that needs settings (a server's URL); a
   * trigger may read such a source only when the mapping is there. Undefined for a source without settings.
   */
  readonly configSchema: S
  /** The settings in the resolved configuration's words (camelCase, milliseconds); with configSchema only. */
  resolve?(settings: S extends z.ZodType ? z.output<S> : never): R
  /** The source measuring these apps; undefined when it cannot measure (its settings are absent). */
  create(ctx: SourceContext<R>): MetricSource | undefined
}

/** Infers a factory's types from its fields, so that a source's file states them once. */
export function defineSource<K extends string, S extends z.ZodType | undefined, R>(
  factory: MetricSourceFactory<K, S, R>,
): MetricSourceFactory<K, S, R> {
  return factory
}
