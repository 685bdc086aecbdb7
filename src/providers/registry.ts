import type { z } from 'zod'
import { UserError } from '../core/errors.js'
import { commandFactory } from './command/command-factory.js'
import { localReleaseFactory } from './local-release/local-release-factory.js'
import type { Provider } from './provider.js'
import type { ProviderFactory, ResolveContext } from './provider-factory.js'

/**
 * Every kind of component lastgood knows, one line each. The configuration's union of component kinds, its
 * JSON Schema and the resolved component types are assembled from this list; its order is the reference's.
 */
export const providerFactories = [localReleaseFactory, commandFactory] as const

type AnyFactory = (typeof providerFactories)[number]

/** A component's options as the rest of lastgood sees them: validated, defaults applied, paths absolute. */
export type ResolvedComponent = ReturnType<AnyFactory['resolve']>

/** A component's options as lastgood.yaml holds them, validated. */
export type ComponentOptions = z.output<AnyFactory['configSchema']>

export type ProviderKind = ResolvedComponent['provider']

/** Every kind a configuration may name, for the schema's messages and `lastgood validate`. */
export const providerKinds: ProviderKind[] = providerFactories.map((f) => f.kind)

/** The kinds' option schemas, in the tuple shape a discriminated union takes. */
export const componentConfigSchemas = providerFactories.map((f) => f.configSchema) as unknown as ConfigSchemas<typeof providerFactories>

type ConfigSchemas<T extends readonly AnyFactory[]> = { -readonly [I in keyof T]: T[I]['configSchema'] }

const byKind = new Map<string, ProviderFactory>(providerFactories.map((f) => [f.kind, f as unknown as ProviderFactory]))
const providers = new Map<string, Provider>(providerFactories.map((f) => [f.kind, f.create() as Provider]))

/**
 * The factory of a component's kind, typed by its options: its capabilities and per-component facts.
 * UserError for an unknown kind (only reachable from unvalidated input).
 */
export function factoryFor<C extends ResolvedComponent>(component: C): ProviderFactory<z.ZodObject, C> {
  return known(component, byKind.get(component.provider)) as unknown as ProviderFactory<z.ZodObject, C>
}

/**
 * The provider for a component, typed by its options: a LocalReleaseComponent gets a
 * Provider<LocalReleaseComponent>. UserError for an unknown kind (only reachable from unvalidated input).
 */
export function providerFor<C extends ResolvedComponent>(component: C): Provider<C> {
  return known(component, providers.get(component.provider))
}

/** Turns a component's validated YAML options into the options its provider takes. */
export function resolveComponent(name: string, options: ComponentOptions, ctx: ResolveContext): ResolvedComponent {
  const factory = byKind.get(options.provider) as ProviderFactory<z.ZodObject, ResolvedComponent>
  return factory.resolve(name, options, ctx)
}

function known<T>(component: { name: string; provider: string }, found: T | undefined): T {
  if (found === undefined) {
    throw new UserError(`component ${component.name}: unknown provider "${component.provider}"; known: ${providerKinds.join(', ')}`)
  }
  return found
}
