import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

/**
 * AES-256-GCM with a random 96-bit nonce. A sealed object is `nonce (12) ‖ ciphertext ‖ tag (16)`; the
 * associated data (AAD) names what the object is and where it belongs, so a valid object moved to another
 * address or read as another type fails authentication exactly like a flipped bit.
 */

export const NONCE_LENGTH = 12
export const TAG_LENGTH = 16
export const SEAL_OVERHEAD = NONCE_LENGTH + TAG_LENGTH
export const KEY_LENGTH = 32

export function seal(key: Uint8Array, aad: string, ...plaintext: Uint8Array[]): Buffer {
  const nonce = randomBytes(NONCE_LENGTH)
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const parts: Buffer[] = [nonce]
  for (const p of plaintext) parts.push(cipher.update(p))
  parts.push(cipher.final(), cipher.getAuthTag())
  return Buffer.concat(parts)
}

/** Returns the plaintext, or undefined when the object is damaged, tampered with, or sealed for another AAD or key. */
export function unseal(key: Uint8Array, aad: string, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < SEAL_OVERHEAD) return undefined
  const nonce = sealed.subarray(0, NONCE_LENGTH)
  const tag = sealed.subarray(sealed.length - TAG_LENGTH)
  const body = sealed.subarray(NONCE_LENGTH, sealed.length - TAG_LENGTH)
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    return undefined
  }
}

/** The key every repository object is sealed with, derived so the master key itself never touches data. */
export function deriveDataKey(masterKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lastgood/v1/data-key', KEY_LENGTH))
}

export function sha256Hex(...data: Uint8Array[]): string {
  const h = createHash('sha256')
  for (const d of data) h.update(d)
  return h.digest('hex')
}

export function randomHex(bytes = 32): string {
  return randomBytes(bytes).toString('hex')
}

const HEX64 = /^[0-9a-f]{64}$/

/** True for a SHA-256 id as lastgood writes it. Takes any stored value: a non-string is simply not one. */
export function isHex64(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value)
}
