import { UserError } from '../core/errors.js'
import type { ResolvedComponent } from '../config/types.js'
import { commandProvider } from './command/command-provider.js'
import { localReleaseProvider } from './local-release/local-release-provider.js'
import type { Provider } from './provider.js'

export type ProviderKind = ResolvedComponent['provider']

type ComponentOf<K extends ProviderKind> = Extract<ResolvedComponent, { provider: K }>

/** The mapped type makes a missing kind, or a provider for the wrong options, a compile error. */
const providers: { [K in ProviderKind]: Provider<ComponentOf<K>> } = {
  'local-release': localReleaseProvider,
  command: commandProvider,
}

/** Every kind a configuration may name, for the schema's messages and `lastgood validate`. */
export const providerKinds = Object.keys(providers) as ProviderKind[]

/**
 * The provider for a component, typed by its options: a LocalReleaseComponent gets a
 * Provider<LocalReleaseComponent>. UserError for an unknown kind (only reachable from unvalidated input).
 */
export function providerFor<C extends ResolvedComponent>(component: C): Provider<C> {
  const provider: unknown = (providers as Record<string, unknown>)[component.provider]
  if (!provider) {
    throw new UserError(`component ${component.name}: unknown provider "${component.provider}"; known: ${providerKinds.join(', ')}`)
  }
  return provider as Provider<C>
}
