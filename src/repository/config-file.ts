import { IntegrityError, UserError } from '../core/errors.js'
import { valueText } from '../core/value-text.js'
import { FORMAT_VERSION, aad } from './format.js'
import { seal, unseal } from './crypto/seal.js'
import { parseStoredJson } from './stored-json.js'

/**
 * `config`: what kind of repository this is. The outer JSON is readable without a key (format version and
 * key mode, so open can say what it needs); the body is sealed with the data key, so opening it is also the
 * check that the key is right. The outer fields are repeated in the body and must agree.
 */

export type KeyMode = 'passphrase' | 'key-file'

export interface RepoConfig {
  version: number
  id: string
  keyMode: KeyMode
  /** How files become blobs. `whole-file` in version 1; a later content-defined chunker gets its own name. */
  chunker: string
  compression: string
  createdAt: string
}

interface OuterJson {
  lastgood: 'repository'
  version: number
  keyMode: KeyMode
  /** The body's id, readable without a key so a key file of another repository can be named as such. */
  id?: string
  sealed: string
}

export function encodeConfig(cfg: RepoConfig, dataKey: Uint8Array): Uint8Array {
  const outer: OuterJson = {
    lastgood: 'repository',
    version: cfg.version,
    keyMode: cfg.keyMode,
    id: cfg.id,
    sealed: seal(dataKey, aad.config(), Buffer.from(JSON.stringify(cfg))).toString('base64'),
  }
  return Buffer.from(JSON.stringify(outer, null, 2) + '\n')
}

export interface ConfigEnvelope {
  version: number
  keyMode: KeyMode
  /** Absent in repositories made before the id was written outside; unauthenticated until the body opens. */
  id: string | undefined
  sealed: Buffer
}

/** Reads the unauthenticated outer part. UserError when this is not a repository this version can read. */
export function readEnvelope(bytes: Uint8Array, dir: string): ConfigEnvelope {
  const outer = (parseStoredJson(bytes) ?? {}) as Partial<OuterJson>
  if (outer.lastgood !== 'repository' || typeof outer.sealed !== 'string') {
    throw new IntegrityError('config', `${dir}/config is damaged or is not a lastgood repository config`)
  }
  if (outer.version !== FORMAT_VERSION) {
    throw new UserError(
      `repository ${dir} uses format version ${valueText(outer.version)}; this lastgood reads version ${FORMAT_VERSION}: upgrade lastgood`,
    )
  }
  const keyMode = outer.keyMode === 'key-file' ? 'key-file' : 'passphrase'
  const id = typeof outer.id === 'string' ? outer.id : undefined
  return { version: outer.version, keyMode, id, sealed: Buffer.from(outer.sealed, 'base64') }
}

/** The authenticated config, or undefined when the key is wrong (or the config was tampered with). */
export function openConfig(env: ConfigEnvelope, dataKey: Uint8Array): RepoConfig | undefined {
  const plain = unseal(dataKey, aad.config(), env.sealed)
  if (!plain) return undefined
  const cfg = parseStoredJson(plain) as Partial<RepoConfig> | null
  if (typeof cfg !== 'object' || cfg === null || typeof cfg.id !== 'string') {
    // It authenticated, so the key is right: the body is damaged in a way only a bug or a key holder can cause.
    throw new IntegrityError('config', 'repository config is damaged: its sealed body is not a repository config')
  }
  if (cfg.version !== env.version || cfg.keyMode !== env.keyMode || (env.id !== undefined && cfg.id !== env.id)) return undefined
  return cfg as RepoConfig
}
