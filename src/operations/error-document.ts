import { ConfigError, type ConfigIssue } from '../config/config-error.js'
import { IntegrityError, OperationFailedError, RefusedError, UserError } from '../core/errors.js'
import { StorageError } from '../core/storage-fault.js'

/**
 * What went wrong, as the --json contract and the HTTP API both say it: `code` the kind of failure (the exit
 * code says the same), `path` the configuration key or input field at fault when there is one.
 */
export interface ErrorDocument {
  code: ErrorCode
  message: string
  path: string | null
  issues?: ConfigIssue[]
}

export type ErrorCode = 'usage' | 'config' | 'unauthenticated' | 'forbidden' | 'refused' | 'integrity' | 'storage' | 'failed' | 'internal'

/** The exit code of each kind: 2 the caller's to fix, 3 refused (for now, or to this caller), 1 ran and failed. */
export const EXIT_CODE_OF: Record<ErrorCode, 1 | 2 | 3> = {
  usage: 2,
  config: 2,
  unauthenticated: 2,
  forbidden: 3,
  refused: 3,
  integrity: 1,
  storage: 1,
  failed: 1,
  internal: 1,
}

/** message: already redacted by the caller, which also decides whether a stack goes anywhere. */
export function errorDocument(err: unknown, message: string): ErrorDocument {
  if (err instanceof ConfigError) return { code: 'config', message, path: err.issues[0]?.path || null, issues: err.issues }
  if (err instanceof InputError) return { code: 'usage', message, path: err.path }
  const code: ErrorCode =
    err instanceof UserError
      ? 'usage'
      : err instanceof RefusedError
        ? 'refused'
        : err instanceof IntegrityError
          ? 'integrity'
          : err instanceof StorageError
            ? 'storage'
            : err instanceof OperationFailedError
              ? 'failed'
              : 'internal'
  return { code, message, path: null }
}

/** An operation's input failed its schema: `path` names the field (`id`, `app.1`). Exit 2, nothing ran. */
export class InputError extends UserError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}
