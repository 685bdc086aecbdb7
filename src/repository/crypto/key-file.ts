import { readFile, stat, unlink } from 'node:fs/promises'
import { UserError } from '../../core/errors.js'
import { errCode } from '../../core/err-code.js'
import { FileExistsError, atomicWrite } from '../backends/fs/atomic-write.js'
import { KEY_LENGTH } from './seal.js'

/**
 * A repository without a passphrase keeps its master key in a local file (JSON, base64), created exclusively
 * with mode 0600. It is refused when group or others may read it: a copied key decrypts every snapshot.
 */

interface PlainKeyJson {
  lastgood: 'master-key'
  version: 1
  repository: string
  key: string
  createdAt: string
}

/** Durable when it resolves. Throws UserError when the file exists: it may protect another repository. */
export async function createKeyFile(path: string, masterKey: Uint8Array, repositoryId: string): Promise<void> {
  const body: PlainKeyJson = {
    lastgood: 'master-key',
    version: 1,
    repository: repositoryId,
    key: Buffer.from(masterKey).toString('base64'),
    createdAt: new Date().toISOString(),
  }
  try {
    await atomicWrite(path, Buffer.from(JSON.stringify(body, null, 2) + '\n'), { exclusive: true, mode: 0o600 })
  } catch (err) {
    if (err instanceof FileExistsError) {
      throw new UserError(`key file ${path} already exists; it may protect another repository. Move it away or choose another key file`)
    }
    throw err
  }
}

/** Best effort, for undoing a failed init. */
export async function removeKeyFile(path: string): Promise<void> {
  await unlink(path).catch(() => undefined)
}

export interface KeyFile {
  key: Buffer
  /** The id of the repository the file was made for (its `repository` field), checked by the caller. */
  repository: string | undefined
}

/**
 * Reads the master key. UserError when the file is missing, readable by others, or not a key file. A file
 * that parses but holds another repository's key is caught later, when the config fails to authenticate.
 */
export async function readKeyFile(path: string): Promise<KeyFile> {
  let info
  try {
    info = await stat(path)
  } catch (err) {
    if (errCode(err) === 'ENOENT') {
      throw new UserError(`key file ${path} not found: this repository has no passphrase and needs its key file`)
    }
    throw err
  }
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new UserError(`key file ${path} is readable by group or others; run: chmod 600 ${path}`)
  }
  let key: Buffer | undefined
  let repository: string | undefined
  try {
    const body = JSON.parse(await readFile(path, 'utf8')) as Partial<PlainKeyJson>
    if (body.lastgood === 'master-key' && typeof body.key === 'string') key = Buffer.from(body.key, 'base64')
    if (typeof body.repository === 'string') repository = body.repository
  } catch {
    key = undefined
  }
  if (key?.length !== KEY_LENGTH) throw new UserError(`${path} is not a lastgood key file`)
  return { key, repository }
}
