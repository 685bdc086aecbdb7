import { IntegrityError } from '../../core/errors.js'
import type { BlobId } from '../../repository/blob-store.js'
import type { ComponentManifest } from '../provider.js'
import { KIND } from './command-component.js'
import type { TreeEntry, TreeLimits } from '../../file-tree/tree-entry.js'
import { parseCapturedTree } from '../../file-tree/validate-entries.js'

/** One artifact as captured: its original absolute path and its content as a file tree. */
export interface ArtifactRecord {
  path: string
  /**
   * `file`: `entries` holds exactly one file named after the artifact; `dir`: the directory's contents;
   * `absent`: nothing was there at capture (before a first deploy, say), which is a state worth restoring too.
   */
  type: 'file' | 'dir' | 'absent'
  /** Permission bits of the artifact itself (a directory's own mode is not in its entries); 0 when absent. */
  mode: number
  digest: string
  entries: TreeEntry[]
}

/** The manifest body of a command capture. */
export interface CommandBody {
  /** The `data` blob holding what the capture command printed. */
  stdout: BlobId
  stdoutBytes: number
  artifacts: ArtifactRecord[]
}

const BLOB_ID = /^[0-9a-f]{64}$/

/**
 * Checks a command manifest read back from the repository before anything is written or run: right provider, a
 * well-formed stdout blob id and size, and every artifact tree passing the file-tree rules (RELIABILITY cases 4
 * to 6). Throws IntegrityError otherwise.
 */
export function parseCommandBody(m: ComponentManifest, limits?: TreeLimits): CommandBody {
  if (m.provider !== KIND) throw refused(`it was made by provider "${m.provider}"`)
  const body = m.body as Partial<CommandBody> | null
  if (typeof body?.stdout !== 'string' || !BLOB_ID.test(body.stdout)) throw refused('its stdout blob id is malformed')
  const bytes = body.stdoutBytes
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw refused('its stdout size is malformed')
  if (!Array.isArray(body.artifacts)) throw refused('its artifact list is missing')
  const artifacts = body.artifacts.map((a: Partial<ArtifactRecord>): ArtifactRecord => {
    if (typeof a?.path !== 'string' || !a.path.startsWith('/') || a.path.includes('\0')) {
      throw refused('an artifact path is not an absolute path')
    }
    if (a.type !== 'file' && a.type !== 'dir' && a.type !== 'absent') {
      throw refused(`artifact ${a.path} is neither a file, a directory nor absent`)
    }
    if (typeof a.mode !== 'number' || !Number.isInteger(a.mode) || a.mode < 0 || a.mode > 0o777) {
      throw refused(`artifact ${a.path} has no valid mode`)
    }
    const tree = parseCapturedTree({ digest: a.digest, entries: a.entries }, limits)
    const single = tree.entries[0]
    if (a.type === 'file' && (tree.entries.length !== 1 || single?.type !== 'file')) {
      throw refused(`file artifact ${a.path} does not hold exactly one file`)
    }
    if (a.type === 'absent' && tree.entries.length > 0) throw refused(`absent artifact ${a.path} has entries`)
    return { path: a.path, type: a.type, mode: a.mode, digest: tree.digest, entries: tree.entries }
  })
  return { stdout: body.stdout, stdoutBytes: bytes, artifacts }
}

function refused(why: string): IntegrityError {
  return new IntegrityError('manifest', `command manifest refused: ${why}; nothing was written or run`)
}
