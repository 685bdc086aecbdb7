/**
 * The small family of errors a user can meet. The CLI maps them to exit codes in one place
 * (src/cli/exit-codes.ts); everything else that is thrown is a bug and exits 1 with a stack trace.
 */

/** Bad usage, bad configuration or bad input. Thrown before anything changed. Exit 2. */
export class UserError extends Error {
  override readonly name = 'UserError'
  readonly exitCode = 2
}

/** Refused for now: a lock is held, an approval is missing. Nothing changed; try later. Exit 3. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError'
  readonly exitCode = 3
}

/** The operation ran and failed (validation failed, verify found damage). Exit 1. */
export class OperationFailedError extends Error {
  override readonly name = 'OperationFailedError'
  readonly exitCode = 1
}

/**
 * Stored data failed authentication or its hash, or is missing. `objectId` names what is damaged so
 * `snapshot verify` can report it; a restore that meets one refuses before writing anything.
 */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError'
  readonly exitCode = 1
  constructor(
    readonly objectId: string,
    message: string,
  ) {
    super(message)
  }
}

export type ExitCode = 0 | 1 | 2 | 3

/** What a state-changing action without its reason is told, by the command line and the API alike. */
export function reasonMissing(what: string): string {
  return `${what} needs --reason "why": it is recorded in the audit trail`
}

/** --reason is required for state-changing commands the seeds ask a reason for; blank is not a reason. */
export function requireReason(reason: string | undefined, what: string): string {
  const r = reason?.trim()
  if (!r) throw new UserError(reasonMissing(what))
  return r
}

export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof UserError) return 2
  if (err instanceof RefusedError) return 3
  return 1
}

/** Normalises anything thrown into an Error, so callers never handle non-Error values. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}

/** The message of anything thrown: a non-Error value (a string a library threw) is its own message. */
export function messageOf(err: unknown): string {
  return asError(err).message
}

/** The errno code of a system error (ENOENT, ENOSPC, …), or undefined for anything else thrown. */
export function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' ? code : undefined
}
