/**
 * Where repository files live. A backend stores and returns opaque bytes under a (type, name) handle; it knows
 * nothing of packs, blobs or keys. Cross-cutting behaviour (retries, fault injection in tests, rate limits)
 * wraps this interface rather than living inside an implementation.
 */

export type FileType = 'config' | 'key' | 'pack' | 'index' | 'snapshot' | 'lock' | 'checkpoint'

export const FILE_TYPES: readonly FileType[] = ['config', 'key', 'pack', 'index', 'snapshot', 'lock', 'checkpoint']

export interface Handle {
  type: FileType
  /** A file name: `[0-9A-Za-z][0-9A-Za-z._-]*`, never starting with a dot (dot names are temp files). */
  name: string
}

export interface ByteRange {
  offset: number
  length: number
}

export interface FileInfo {
  name: string
  size: number
}

export interface SaveOptions {
  /** Fail with AlreadyExistsError instead of replacing an existing file. */
  exclusive?: boolean
}

export interface TempCleanup {
  files: number
  bytes: number
}

export interface Backend {
  /** Human-readable location, for messages (a directory, a bucket URL without credentials). */
  readonly location: string
  /**
   * Atomic: after a crash or a failure the file is either whole (durable once this resolves) or absent.
   * Replaces an existing file unless `exclusive`. May be retried; a failure leaves at most an invisible temp
   * file that removeTempFiles() deletes.
   */
  save(h: Handle, data: Uint8Array, opts?: SaveOptions): Promise<void>
  /**
   * Reads a whole file or a byte range. Throws NotFoundError when the file is absent. A range that runs past
   * the end returns the bytes that exist (fewer than asked): the caller decides whether that is damage.
   */
  load(h: Handle, range?: ByteRange): Promise<Uint8Array>
  /** The file's size, or undefined when it is absent. */
  stat(h: Handle): Promise<FileInfo | undefined>
  /**
   * Every complete file of one type, in no particular order; temp files are never listed. A type with no
   * files yields nothing; any other failure to list throws (callers that delete must not mistake it for empty).
   */
  list(type: FileType): AsyncIterable<FileInfo>
  /** Idempotent: removing an absent file succeeds. Durable once it resolves. */
  remove(h: Handle): Promise<void>
  /**
   * Deletes leftovers of interrupted saves. Only safe while no other process is writing (prune holds the
   * exclusive lock). Backends without temp files return zeros.
   */
  removeTempFiles(): Promise<TempCleanup>
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError'
  constructor(readonly handle: Handle) {
    super(`${handle.type} ${handle.name} does not exist`)
  }
}

export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError'
  constructor(readonly handle: Handle) {
    super(`${handle.type} ${handle.name} already exists`)
  }
}

const NAME = /^[0-9A-Za-z][0-9A-Za-z._-]*$/

export function isValidName(name: string): boolean {
  return NAME.test(name) && name.length <= 200
}

export function assertValidHandle(h: Handle): void {
  if (!FILE_TYPES.includes(h.type) || !isValidName(h.name)) {
    throw new Error(`invalid repository file handle ${JSON.stringify(h)}`)
  }
}

/**
 * How many small files (index files, checkpoints, their listing's stats) a reader has in flight at once: enough
 * to keep the I/O threads busy instead of waiting for each file in turn.
 */
export const FILES_IN_FLIGHT = 16

/** A listed file's bytes, or undefined when it was removed since it was listed (a prune runs beside readers). */
export async function loadIfPresent(backend: Backend, h: Handle): Promise<Uint8Array | undefined> {
  try {
    return await backend.load(h)
  } catch (err) {
    if (err instanceof NotFoundError) return undefined
    throw err
  }
}

export async function listAll(backend: Backend, type: FileType): Promise<FileInfo[]> {
  const out: FileInfo[] = []
  for await (const f of backend.list(type)) out.push(f)
  return out
}
