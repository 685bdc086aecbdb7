import { randomBytes } from 'node:crypto'
import { IntegrityError, UserError } from '../core/errors.js'
import { AlreadyExistsError, NotFoundError, type Backend } from './backend.js'
import { type ConfigEnvelope, encodeConfig, openConfig, readEnvelope, type RepoConfig } from './config-file.js'
import { createKeyFile, readKeyFile, removeKeyFile } from './crypto/key-file.js'
import { unwrapMasterKey, wrapMasterKey, type KdfParams } from './crypto/passphrase-key.js'
import { KEY_LENGTH, deriveDataKey, randomHex, sha256Hex } from './crypto/seal.js'
import { FORMAT_VERSION } from './format.js'
import type { KeySource } from './types.js'

/** How many `keys/` files open tries; each costs one scrypt run. */
const MAX_KEY_FILES = 32

export interface Unlocked {
  dataKey: Buffer
  config: RepoConfig
}

/**
 * Creates the key material and the config. The config is written last and exclusively: it is what makes a
 * directory a repository, so a crash before it leaves no repository (and a concurrent init loses cleanly).
 */
export async function createRepository(backend: Backend, key: KeySource, kdf: KdfParams): Promise<Unlocked> {
  const loc = backend.location
  if (await backend.stat({ type: 'config', name: 'config' })) throw new UserError(`${loc} is already a lastgood repository`)
  if (key.passphrase === '') {
    throw new UserError('LASTGOOD_PASSWORD is set but empty: set a passphrase, or unset it to keep the key in a key file')
  }
  const master = randomBytes(KEY_LENGTH)
  const config: RepoConfig = {
    version: FORMAT_VERSION,
    id: randomHex(32),
    keyMode: key.passphrase ? 'passphrase' : 'key-file',
    chunker: 'whole-file',
    compression: 'zstd',
    createdAt: new Date().toISOString(),
  }
  let undo: () => Promise<void>
  if (key.passphrase) {
    const bytes = await wrapMasterKey(master, key.passphrase, kdf)
    const h = { type: 'key' as const, name: sha256Hex(bytes) }
    await backend.save(h, bytes, { exclusive: true })
    undo = () => backend.remove(h)
  } else {
    await createKeyFile(key.keyFile, master, config.id)
    undo = () => removeKeyFile(key.keyFile)
  }
  const dataKey = deriveDataKey(master)
  try {
    await backend.save({ type: 'config', name: 'config' }, encodeConfig(config, dataKey), { exclusive: true })
  } catch (err) {
    await undo().catch(() => undefined)
    if (err instanceof AlreadyExistsError) throw new UserError(`${loc} is already a lastgood repository`)
    throw err
  }
  return { dataKey, config }
}

/**
 * Finds the master key and proves it against the config. Every way the key can be wrong (wrong passphrase,
 * another repository's key file, an edited key file) ends in the same message, which never contains a secret.
 */
export async function unlockRepository(backend: Backend, key: KeySource): Promise<Unlocked> {
  const loc = backend.location
  let bytes: Uint8Array
  try {
    bytes = await backend.load({ type: 'config', name: 'config' })
  } catch (err) {
    if (err instanceof NotFoundError) throw new UserError(`no lastgood repository at ${loc}: run lastgood init`)
    throw err
  }
  const envelope = readEnvelope(bytes, loc)
  if (envelope.keyMode === 'key-file') return fromKeyFile(envelope, key.keyFile, loc)
  const master = await fromPassphrase(backend, key)
  const wrong = new UserError(`wrong passphrase or key file for repository ${loc}`)
  if (!master) throw wrong
  const dataKey = deriveDataKey(master)
  const config = openConfig(envelope, dataKey)
  if (!config) throw wrong
  return { dataKey, config }
}

/**
 * A key file names the repository it was made for: one made for another repository is refused as such (when
 * this repository's id is readable outside its sealed body), and one whose key opens this repository while
 * naming another was edited, and is refused too, so the field can be trusted when it says whose key it is.
 */
async function fromKeyFile(envelope: ConfigEnvelope, path: string, loc: string): Promise<Unlocked> {
  const file = await readKeyFile(path)
  const dataKey = deriveDataKey(file.key)
  const config = openConfig(envelope, dataKey)
  if (!config) {
    if (file.repository && envelope.id && file.repository !== envelope.id) {
      throw new UserError(
        `key file ${path} belongs to another repository (${file.repository}), not to the repository at ${loc} (${envelope.id}): ` +
          'set repository.key_file to the key file lastgood init wrote for it',
      )
    }
    throw new UserError(`wrong passphrase or key file for repository ${loc}`)
  }
  if (file.repository !== config.id) {
    throw new UserError(
      `key file ${path} names repository ${file.repository ?? '(none)'}, but the repository at ${loc} is ${config.id}: ` +
        `its repository field was edited; set it back to ${config.id}`,
    )
  }
  return { dataKey, config }
}

async function fromPassphrase(backend: Backend, key: KeySource): Promise<Buffer | undefined> {
  if (!key.passphrase) throw new UserError('this repository is protected by a passphrase: set LASTGOOD_PASSWORD')
  let tried = 0
  for await (const f of backend.list('key')) {
    if (++tried > MAX_KEY_FILES) break
    const master = await unwrapMasterKey(await backend.load({ type: 'key', name: f.name }), key.passphrase)
    if (master) return master
  }
  if (tried === 0) throw new IntegrityError('keys', `repository ${backend.location} has no key files in keys/: it is damaged`)
  return undefined
}
