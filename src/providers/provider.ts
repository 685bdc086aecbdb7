import type { BlobId, BlobStore } from '../repository/blob-store.js'
import type { Logger } from '../core/logger.js'

/** What runs now, as a provider reads it. `version` is short and human (a release id, a commit, a tag). */
export interface VersionInfo {
  version: string
  /** Extra facts worth showing in `status` (a symlink target, a digest). */
  detail?: Record<string, string>
}

/**
 * What a provider captured of one component. Stored as a `tree` blob in the repository; its id is recorded in
 * the snapshot. `refs` lists every blob the manifest needs, so verify and prune need no provider knowledge.
 */
export interface ComponentManifest {
  provider: string
  /** The version current() will report once this manifest is restored. */
  version: string
  refs: BlobId[]
  /** Counts for reports; optional because not every provider stores files. */
  summary?: { files?: number; bytes?: number }
  /** Provider-specific JSON body. */
  body: unknown
}

/** One line of a restore preview: a version change, or one file added, changed or removed. */
export interface Change {
  kind: 'version' | 'added' | 'changed' | 'removed' | 'action'
  /** File path inside the component for file changes; free text for `action`. */
  path?: string
  before?: string
  after?: string
  sizeBefore?: number
  sizeAfter?: number
}

export interface RestoreResult {
  /** `fast`: switched to something already present; `materialise`: rebuilt from the repository first. */
  path: 'fast' | 'materialise' | 'command'
  detail?: string
}

/** Something earlier restores left on disk and a retention rule still keeps (a release copy moved aside). */
export interface Leftover {
  path: string
  createdAt: string
  /** What it is, for people. */
  about: string
  /** When it is removed at the latest: by the first restore of the component after this time. */
  removedAfter?: string
}

export interface ProviderContext {
  app: string
  component: string
  /** Directory of the configuration file: relative paths in component options resolve against it. */
  configDir: string
  blobs: BlobStore
  signal: AbortSignal
  log: Logger
  /**
   * capture() only, for kinds that capture files (capabilities.capturesFiles): the manifest of the newest
   * snapshot of this app that holds this component captured by the same provider (at `version` when given:
   * for a release directory, the one captured from the same directory), or undefined when there is none or
   * it cannot be read. A hint to skip unchanged files, as
   * restic's parent snapshot; a provider checks whatever it takes from it (reuse-previous.ts).
   */
  previous?: (version?: string) => Promise<ComponentManifest | undefined>
}

/**
 * One per component kind. `C` is the component's validated options from the configuration.
 * Contracts:
 * - current() never changes anything.
 * - capture() is idempotent; it stores artifacts through ctx.blobs and returns a manifest.
 * - preview() computes what restore() would change, changing nothing.
 * - restore() is idempotent; if it throws before its switch point, the old version is still the live one.
 */
export interface Provider<C = unknown> {
  readonly kind: string
  current(c: C, ctx: ProviderContext): Promise<VersionInfo>
  capture(c: C, ctx: ProviderContext): Promise<ComponentManifest>
  preview(c: C, m: ComponentManifest, ctx: ProviderContext): Promise<Change[]>
  restore(c: C, m: ComponentManifest, ctx: ProviderContext): Promise<RestoreResult>
  /** Optional: what earlier restores left behind and is still kept, for `status`. Never changes anything. */
  leftovers?(c: C, ctx: ProviderContext): Promise<Leftover[]>
}
