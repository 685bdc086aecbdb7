import { randomBytes, scrypt } from 'node:crypto'
import { aad } from '../format.js'
import { KEY_LENGTH, seal, unseal } from './seal.js'

/**
 * `keys/<id>`: the master key wrapped by a key derived from the passphrase with scrypt. The scrypt
 * parameters and salt are part of the AAD, so any edit to them fails exactly like a wrong passphrase; and
 * they are bounded before scrypt runs, so an edited file cannot make it take the machine's memory or an hour.
 */

export interface KdfParams {
  N: number
  r: number
  p: number
}

/** OWASP's recommendation for scrypt: 128 MiB, a few hundred milliseconds. */
export const DEFAULT_KDF: KdfParams = { N: 2 ** 17, r: 8, p: 1 }

const MIN_N = 2 ** 14
const MAX_N = 2 ** 20
const MAX_R = 16
const MAX_P = 4
const MAX_MEMORY = 1024 * 1024 * 1024

export function kdfWithinLimits(k: KdfParams): boolean {
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)
  if (!int(k.N) || !int(k.r) || !int(k.p)) return false
  const powerOfTwo = (k.N & (k.N - 1)) === 0
  return powerOfTwo && k.N >= MIN_N && k.N <= MAX_N && k.r >= 1 && k.r <= MAX_R && k.p >= 1 && k.p <= MAX_P && 128 * k.N * k.r <= MAX_MEMORY
}

interface KeyFileJson {
  lastgood: 'key'
  version: 1
  kdf: 'scrypt'
  N: number
  r: number
  p: number
  salt: string
  sealed: string
  createdAt: string
}

function derive(passphrase: string, salt: Buffer, k: KdfParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, KEY_LENGTH, { N: k.N, r: k.r, p: k.p, maxmem: 2 * MAX_MEMORY }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/** Builds the bytes of a new `keys/<id>` file. */
export async function wrapMasterKey(masterKey: Uint8Array, passphrase: string, k: KdfParams): Promise<Uint8Array> {
  if (!kdfWithinLimits(k)) throw new RangeError(`scrypt parameters out of bounds: ${JSON.stringify(k)}`)
  const salt = randomBytes(32)
  const saltB64 = salt.toString('base64')
  const kek = await derive(passphrase, salt, k)
  const file: KeyFileJson = {
    lastgood: 'key',
    version: 1,
    kdf: 'scrypt',
    ...k,
    salt: saltB64,
    sealed: seal(kek, aad.scryptKey(k.N, k.r, k.p, saltB64), masterKey).toString('base64'),
    createdAt: new Date().toISOString(),
  }
  return Buffer.from(JSON.stringify(file, null, 2) + '\n', 'utf8')
}

/**
 * The master key, or undefined when the passphrase is wrong or the file was edited or damaged in any way.
 * The caller turns undefined into one message for all of these cases (RELIABILITY case 15).
 */
export async function unwrapMasterKey(fileBytes: Uint8Array, passphrase: string): Promise<Buffer | undefined> {
  let f: Partial<KeyFileJson>
  try {
    f = JSON.parse(Buffer.from(fileBytes).toString('utf8')) as Partial<KeyFileJson>
  } catch {
    return undefined
  }
  if (f?.kdf !== 'scrypt' || typeof f.salt !== 'string' || typeof f.sealed !== 'string') return undefined
  const k = { N: f.N, r: f.r, p: f.p } as KdfParams
  if (!kdfWithinLimits(k)) return undefined
  const salt = Buffer.from(f.salt, 'base64')
  if (salt.length < 16) return undefined
  const kek = await derive(passphrase, salt, k)
  const key = unseal(kek, aad.scryptKey(k.N, k.r, k.p, f.salt), Buffer.from(f.sealed, 'base64'))
  return key?.length === KEY_LENGTH ? key : undefined
}
