import { z } from 'zod'
import { expected } from '../config-parts/schema-helpers.js'
import type { MetricKind, MetricSource } from './metric-source.js'
import { probesFactory } from './probes/probes-factory.js'
import { prometheusFactory } from './prometheus/prometheus-factory.js'
import type { MetricSourceFactory, SourceApp } from './source-factory.js'

/**
 * Every kind of metric source, one line each; a new kind is a folder beside these and one line here. The
 * first listed is what a trigger reads when it names no source.
 */
export const SOURCES = [probesFactory, prometheusFactory] as const

type AnySource = (typeof SOURCES)[number]
export type SourceKind = AnySource['kind']
export const sourceKinds: SourceKind[] = SOURCES.map((s) => s.kind)

/** A factory seen through the union: sound because settings only ever reach the factory of their own kind. */
type KindFactory = MetricSourceFactory<SourceKind, z.ZodType | undefined, unknown> & { resolve?(settings: unknown): unknown }

function factoryOf(kind: SourceKind): KindFactory {
  return SOURCES.find((s) => s.kind === kind) as KindFactory
}

type Configured = Extract<AnySource, { configSchema: z.ZodType }>
/** The top-level mappings of the sources that have settings, each optional: part of the configuration's schema. */
export type SourceSettingsShape = { [F in Configured as F['kind']]: z.ZodOptional<F['configSchema']> }
/** Those settings resolved, under the same keys of the resolved configuration. */
export type SourceSettings = { [F in Configured as F['kind']]?: ReturnType<NonNullable<F['resolve']>> }

export const sourceSettingsShape = Object.fromEntries(
  SOURCES.flatMap((s) => (s.configSchema ? [[s.kind, s.configSchema.optional()]] : [])),
) as SourceSettingsShape

export function resolveSourceSettings(config: { [K in keyof SourceSettingsShape]?: z.output<SourceSettingsShape[K]> }): SourceSettings {
  const out: Record<string, unknown> = {}
  for (const kind of sourceKinds) {
    const entry = (config as Record<string, unknown>)[kind]
    const source = factoryOf(kind)
    if (entry !== undefined && source.resolve) out[kind] = source.resolve(entry)
  }
  return out
}

/** A trigger's `source:`. */
export const triggerSourceSchema = z
  .enum(sourceKinds as [SourceKind, ...SourceKind[]], { error: expected(sourceKinds.join(' or ')) })
  .default(sourceKinds[0]!)
  .describe(`Where the metric comes from: ${SOURCES.map((s) => s.description).join(', or ')}.`)

/** The source a trigger reads: the one it names, else the first listed that measures its kind. */
export function sourceOf(t: { kind: MetricKind; source?: SourceKind }): SourceKind {
  return t.source ?? SOURCES.find((s) => (s.capabilities.measures as readonly string[]).includes(t.kind))!.kind
}

/** Why a trigger cannot read its source, or undefined: the source does not measure its kind, or not over the last N requests. */
export function sourceProblem(t: {
  kind: MetricKind
  source?: SourceKind
  over_requests?: number
}): { path: string; message: string } | undefined {
  const kind = sourceOf(t)
  const source = factoryOf(kind)
  if (!source.capabilities.measures.includes(t.kind)) {
    return { path: 'source', message: `expected a source that measures ${t.kind}, got ${kind}` }
  }
  if (t.over_requests !== undefined && !source.capabilities.lastRequests) {
    const able = SOURCES.filter((s) => s.capabilities.lastRequests).map((s) => s.kind)
    return {
      path: 'over_requests',
      message: `expected over_requests only with source: ${able.join(' or ')} (${source.title} measures over time windows: use for and window)`,
    }
  }
  return undefined
}

/** Whether a trigger's source measures the app's own health checks (and so measures nothing without them). */
export function readsHealthChecks(t: { kind: MetricKind; source?: SourceKind }): boolean {
  return factoryOf(sourceOf(t)).capabilities.healthChecks
}

/** When a trigger's source needs top-level settings the configuration lacks: what to write, e.g. `prometheus: { url: … }`. */
export function missingSettings(t: { kind: MetricKind; source?: SourceKind }, settings: Record<string, unknown>): string | undefined {
  const kind = sourceOf(t)
  const schema = factoryOf(kind).configSchema
  if (!schema || settings[kind] !== undefined) return undefined
  const required =
    schema instanceof z.ZodObject ? Object.keys(schema.shape).filter((key) => !(schema.shape[key] as z.ZodType).isOptional()) : []
  const trigger = t.source === undefined ? `${t.kind} trigger` : `trigger with source: ${kind}`
  return `expected a top-level ${kind}: { ${required.map((key) => `${key}: …`).join(', ')} } for a ${trigger}, got none`
}

/** The sources that can measure in this configuration, by kind (one without its settings is left out). */
export function createSources(settings: SourceSettings, apps: readonly SourceApp[]): Map<SourceKind, MetricSource> {
  const sources = new Map<SourceKind, MetricSource>()
  for (const kind of sourceKinds) {
    const source = factoryOf(kind).create({ settings: (settings as Record<string, unknown>)[kind], apps })
    if (source) sources.set(kind, source)
  }
  return sources
}
