import { CommanderError } from 'commander'
import { type ExitCode, exitCodeOf, IntegrityError, OperationFailedError, RefusedError, UserError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import type { Platform } from '../platform/platform.js'
import { openPlatform } from '../platform/open-platform.js'
import type { GlobalOptions } from './global-options.js'

/**
 * The one place where errors become exit codes and messages. A command's action returns its exit code;
 * a thrown user error prints `lastgood: <message>` and exits 2 (3 when refused); anything else is a bug
 * and shows its stack when LASTGOOD_DEBUG is set.
 */
export async function runAction(fn: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await fn()) ?? 0
  } catch (err) {
    process.exitCode = reportError(err)
  }
}

export function reportError(err: unknown): ExitCode {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2
  const known = err instanceof UserError || err instanceof RefusedError || err instanceof OperationFailedError || err instanceof IntegrityError
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`lastgood: ${redact(message)}\n`)
  if (!known && process.env.LASTGOOD_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${redact(err.stack)}\n`)
  return exitCodeOf(err)
}

/** Opens the platform for one command and always closes it, whatever the command did. */
export async function withPlatform<T>(g: GlobalOptions, fn: (p: Platform) => Promise<T>): Promise<T> {
  const p = await openPlatform(g.config)
  try {
    return await fn(p)
  } finally {
    await p.close()
  }
}
