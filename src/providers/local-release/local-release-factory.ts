import { defineProvider } from '../provider-factory.js'
import { capabilities, configSchema, KIND, resolveLocalRelease } from './local-release-component.js'
import { localReleaseProvider } from './local-release-provider.js'

/** A release directory and a `current` symlink (Capistrano's layout): see local-release-provider.ts. */
export const localReleaseFactory = defineProvider({
  kind: KIND,
  capabilities,
  configSchema,
  resolve: resolveLocalRelease,
  create: () => localReleaseProvider,
  restartCommand: (c) => c.restart,
  releaseDirectory: (c) => ({ root: c.path, releasesDir: c.releasesDir, currentLink: c.currentLink }),
})
