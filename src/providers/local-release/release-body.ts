import { join } from 'node:path'
import { IntegrityError } from '../../core/errors.js'
import type { ComponentManifest } from '../provider.js'
import { KIND } from './local-release-component.js'
import { pathProblem } from '../../file-tree/path-rules.js'
import type { CapturedTree, Owner, TreeEntry, TreeLimits } from '../../file-tree/tree-entry.js'
import { parseMode, parseOwner } from '../../file-tree/entry-fields.js'
import { parseCapturedTree } from '../../file-tree/validate-entries.js'

/** The manifest body of a local-release capture. */
export interface LocalReleaseBody {
  /** The release directory name, also the manifest's version. */
  release: string
  /** treeDigest(entries): equal digests mean identical release content. */
  digest: string
  entries: TreeEntry[]
  /** The release directory's own mode and owner, which no entry holds (absent in older manifests). */
  dir?: { mode: number } & Partial<Owner>
}

export interface ParsedRelease {
  release: string
  tree: CapturedTree
  dir?: { mode: number } & Partial<Owner>
}

/** Where the release goes and where its links may point (release-links.ts), for judging the tree's links. */
export interface ReleasePlace {
  releases: string
  allowedInto: readonly string[]
  limits?: TreeLimits
}

/**
 * Checks a manifest read back from the repository before restore writes anything: right provider, a release id
 * that is one plain directory name, a version that agrees with it, and a tree that passes every file-tree rule
 * (RELIABILITY cases 4 to 6), its links leading out of it only into the allowed directories, resolved from
 * `<releases>/<release>`. Throws IntegrityError otherwise.
 */
export function parseReleaseBody(m: ComponentManifest, place: ReleasePlace): ParsedRelease {
  if (m.provider !== KIND) throw refused(`it was made by provider "${m.provider}"`)
  const body = m.body as Partial<LocalReleaseBody> | null
  const release = body?.release
  if (typeof release !== 'string') throw refused('it names no release')
  const problem = release.includes('/') ? 'it contains a "/"' : pathProblem(release, 1)
  if (problem || release.startsWith('.lastgood-tmp-')) {
    throw refused(`its release id ${JSON.stringify(release)} is not a plain directory name (${problem ?? 'reserved'})`)
  }
  if (m.version !== release) throw refused(`its version "${m.version}" differs from its release "${release}"`)
  const links = { root: join(place.releases, release), allowedInto: place.allowedInto }
  const tree = parseCapturedTree({ digest: body?.digest, entries: body?.entries }, place.limits, links)
  const dir = parseDir(body?.dir)
  return dir ? { release, tree, dir } : { release, tree }
}

/** The release directory's own mode and owner, checked as an entry's (an older manifest has none). */
function parseDir(raw: unknown): ({ mode: number } & Partial<Owner>) | undefined {
  if (raw === undefined) return undefined
  if (typeof raw !== 'object' || raw === null) throw refused('its release directory metadata is not a mapping')
  const d = raw as Record<string, unknown>
  return { mode: parseMode('', d.mode), ...parseOwner('', d) }
}

function refused(why: string): IntegrityError {
  return new IntegrityError('manifest', `local-release manifest refused: ${why}; nothing was written`)
}
