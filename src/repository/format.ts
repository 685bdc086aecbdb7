import type { BlobType } from './blob-store.js'

/**
 * Constants of repository format version 1 and the AAD strings that bind each sealed object to its place.
 * FORMAT.md is the normative description; change one, change both.
 */

export const FORMAT_VERSION = 1

/** A blob larger than this is refused on write and on read (decompression cap). */
export const MAX_BLOB_SIZE = 64 * 1024 * 1024

export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024

export const DEFAULT_COMPRESSION_LEVEL = 3

const V = `lastgood/v${FORMAT_VERSION}`

export const aad = {
  config: (): string => `${V}/config`,
  blob: (type: BlobType, id: string): string => `${V}/blob/${type}/${id}`,
  packHeader: (): string => `${V}/pack-header`,
  index: (): string => `${V}/index`,
  snapshot: (id: string): string => `${V}/snapshot/${id}`,
  checkpoint: (id: string): string => `${V}/checkpoint/${id}`,
  scryptKey: (N: number, r: number, p: number, salt: string): string => `${V}/key/scrypt/N=${N}/r=${r}/p=${p}/salt=${salt}`,
}
