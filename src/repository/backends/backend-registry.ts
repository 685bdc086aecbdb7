import type { Backend } from '../backend.js'
import type { BackendFactory, RepositorySettings } from './backend-factory.js'
import { fsBackendFactory } from './fs/fs-factory.js'

/** Every repository backend lastgood has; a new backend is one line here. */
export const backendFactories: readonly BackendFactory[] = [fsBackendFactory]

/** The one backend whose settings schema accepts these settings. */
export function backendFactoryFor(settings: RepositorySettings): BackendFactory {
  const accepting = backendFactories.filter((f) => f.configSchema.safeParse(settings).success)
  if (accepting.length !== 1) {
    // A bug, not a user error: the configuration schema admits only settings that one backend accepts.
    throw new Error(`repository settings fit ${accepting.length} backends (${accepting.map((f) => f.kind).join(', ')}), not one`)
  }
  return accepting[0]!
}

/** The backend holding the repository these settings name. Reads and creates nothing. */
export function openBackend(settings: RepositorySettings): Backend {
  const factory = backendFactoryFor(settings)
  return factory.create(factory.configSchema.parse(settings))
}
