import { IntegrityError } from '../../core/errors.js'
import type { ComponentManifest } from '../provider.js'
import { pathProblem } from '../file-tree/path-rules.js'
import type { CapturedTree, TreeEntry, TreeLimits } from '../file-tree/tree-entry.js'
import { parseCapturedTree } from '../file-tree/validate-entries.js'

/** The manifest body of a local-release capture. */
export interface LocalReleaseBody {
  /** The release directory name, also the manifest's version. */
  release: string
  /** treeDigest(entries): equal digests mean identical release content. */
  digest: string
  entries: TreeEntry[]
}

/**
 * Checks a manifest read back from the repository before restore writes anything: right provider, a release id
 * that is one plain directory name, a version that agrees with it, and a tree that passes every file-tree rule
 * (RELIABILITY cases 4 to 6). Throws IntegrityError otherwise.
 */
export function parseReleaseBody(m: ComponentManifest, limits?: TreeLimits): { release: string; tree: CapturedTree } {
  if (m.provider !== 'local-release') throw refused(`it was made by provider "${m.provider}"`)
  const body = m.body as Partial<LocalReleaseBody> | null
  const release = body?.release
  if (typeof release !== 'string') throw refused('it names no release')
  const problem = release.includes('/') ? 'it contains a "/"' : pathProblem(release, 1)
  if (problem || release.startsWith('.lastgood-tmp-')) {
    throw refused(`its release id ${JSON.stringify(release)} is not a plain directory name (${problem ?? 'reserved'})`)
  }
  if (m.version !== release) throw refused(`its version "${m.version}" differs from its release "${release}"`)
  return { release, tree: parseCapturedTree({ digest: body?.digest, entries: body?.entries }, limits) }
}

function refused(why: string): IntegrityError {
  return new IntegrityError('manifest', `local-release manifest refused: ${why}; nothing was written`)
}
