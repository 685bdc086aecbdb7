import type { z } from 'zod'
import type { Backend } from '../backend.js'

/** Where the configuration says the repository is: a directory today (`repository.path`). */
export interface RepositorySettings {
  path: string
}

/** What sets one backend apart from another, so callers test a flag instead of a backend's name. */
export interface BackendCapabilities {
  /** The files are in a directory on this host's disks, whose free space is worth checking. */
  localDisk: boolean
}

/**
 * One repository backend, as the registry knows it. Adding a backend is a folder under backends/ with its
 * implementation and one of these, plus one line in the registry; the backend conformance suite then runs
 * against it.
 */
export interface BackendFactory<C = unknown> {
  readonly kind: string
  readonly capabilities: BackendCapabilities
  /**
   * The repository settings this backend accepts. The settings imply the backend: exactly one registered
   * factory's schema accepts any valid configuration.
   */
  readonly configSchema: z.ZodType<C>
  /** Cheap and side-effect free: nothing is read or created until the backend is used. */
  create(config: C): Backend
}
