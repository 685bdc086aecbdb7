import { errCode, OperationFailedError } from './errors.js'

/** What a disk did: ran out of space (or quota), or failed to read or write. */
export type StorageFault = 'full' | 'io'

// The same two faults as the OS (errno), SQLite (extended result codes) and PostgreSQL (SQLSTATE) name them.
// SQLite says SHMSIZE when it cannot allocate its shared-memory file: on a disk, that is a full one.
const FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', 'SQLITE_IOERR_SHMSIZE', '53100'])
const IO = new Set(['EIO', '58030'])

/** Whether `err` (or an error it wraps) is a full disk or an I/O error, from any layer that names one. */
export function storageFault(err: unknown): StorageFault | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StorageError) return e.fault
    const code = errCode(e)
    if (code === undefined) continue
    if (FULL.has(code)) return 'full'
    if (IO.has(code) || code.startsWith('SQLITE_IOERR')) return 'io'
  }
  return undefined
}

/**
 * A full disk or an I/O error, said in words with where it happened and what to do. The operation ran and
 * failed (exit 1); what it left is in `message` (nothing half-written: every write is atomic).
 */
export class StorageError extends OperationFailedError {
  constructor(
    readonly fault: StorageFault,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options)
  }
}

/**
 * `err` as a StorageError when it is a storage fault (else itself): `where` names what was being written,
 * `then` what to do once space is back (default: run the command again), after what was left if it matters.
 */
export function asStorageError(err: unknown, where: string, then = 'run the command again'): unknown {
  if (err instanceof StorageError) return err
  const fault = storageFault(err)
  if (!fault) return err
  const what = fault === 'full' ? 'the disk is full' : 'the disk failed to read or write (I/O error)'
  const fix = fault === 'full' ? 'free space there' : 'check that disk'
  const detail = err instanceof Error ? err.message : String(err)
  return new StorageError(fault, `${what} where lastgood writes ${where} (${detail}): ${fix}, then ${then}`, { cause: err })
}
