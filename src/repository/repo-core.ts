import type { Backend } from './backend.js'
import type { MasterIndex } from './index/master-index.js'

/** What verify and prune need from an open repository; the Repository class is the only implementation. */
export interface RepoCore {
  readonly backend: Backend
  readonly dataKey: Buffer
  readonly index: MasterIndex
  readonly packSize: number
  /** Reads a durable blob: authenticated, size-capped, hash-checked. Throws IntegrityError naming it. */
  readBlob(id: string): Promise<Buffer>
}
