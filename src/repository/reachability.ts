import { valueText } from '../core/value-text.js'
import { isHex64 } from './crypto/seal.js'

/**
 * The one thing the repository knows about manifests: a manifest is a `tree` blob whose JSON has a top-level
 * `refs` array listing every blob it needs. Reachable = snapshot → each component's manifest → its refs.
 */

/** The refs of a manifest; throws a plain Error saying why the manifest is unusable. */
export function manifestRefs(plaintext: Uint8Array): string[] {
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).toString('utf8'))
  } catch {
    throw new Error('is not JSON')
  }
  const refs = (doc as { refs?: unknown } | null)?.refs
  if (!Array.isArray(refs)) throw new Error('has no top-level refs list')
  for (const r of refs) if (!isHex64(r)) throw new Error(`lists an invalid blob id ${valueText(r)}`)
  return refs as string[]
}
