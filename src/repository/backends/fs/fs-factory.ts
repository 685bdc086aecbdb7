import { z } from 'zod'
import type { BackendFactory } from '../backend-factory.js'
import { FsBackend } from './fs-backend.js'

/** A repository in a local directory: what `repository.path` (default `<state_dir>/repo`) names. */
export const fsBackendFactory: BackendFactory<{ path: string }> = {
  kind: 'fs',
  capabilities: { localDisk: true },
  configSchema: z.object({ path: z.string().min(1) }),
  create: (config) => new FsBackend(config.path),
}
