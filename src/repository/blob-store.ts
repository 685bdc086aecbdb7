/**
 * The part of the repository that providers see. A provider stores the bytes of what it captures here and
 * reads them back on restore; it never learns where or how they are kept (packs, compression, encryption).
 */

/** `data` holds file content; `tree` holds manifests and other JSON structure. */
export type BlobType = 'data' | 'tree'

/** Lowercase hex SHA-256 of the plaintext. */
export type BlobId = string

export interface BlobStore {
  /**
   * Stores bytes once per content and returns their id. Idempotent: storing the same bytes twice stores them
   * once. Not durable until the repository is flushed; a crash before that leaves no visible object.
   */
  putBlob(type: BlobType, data: Uint8Array): Promise<BlobId>
  /**
   * Reads a blob back, authenticated (AEAD) and hash-checked. Throws IntegrityError naming the id when the blob
   * is missing or damaged; never returns unverified bytes.
   */
  getBlob(id: BlobId): Promise<Uint8Array>
  /**
   * Whether a blob with this id is already stored (or pending in this session). Asynchronous because the first
   * question may have to read the store's index.
   */
  hasBlob(id: BlobId): Promise<boolean>
}
