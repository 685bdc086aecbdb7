import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** SHA-256 hex: how token secrets and session ids are kept. They are 256 random bits, so no salt or stretching is needed. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** 32 random bytes as base64url (43 characters). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Compares two hex digests of equal length in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && timingSafeEqual(x, y)
}
