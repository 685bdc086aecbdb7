import { CommanderError } from 'commander'
import { type ExitCode, exitCodeOf, IntegrityError, OperationFailedError, RefusedError, UserError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import { asStorageError } from '../core/storage-fault.js'
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

export function reportError(thrown: unknown): ExitCode {
  if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? 0 : 2
  // A full disk or an I/O error is the operator's to fix, not a bug: say so, in words.
  const err = asStorageError(thrown, 'its files')
  const known =
    err instanceof UserError || err instanceof RefusedError || err instanceof OperationFailedError || err instanceof IntegrityError
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`lastgood: ${redact(message)}\n`)
  if (!known && process.env.LASTGOOD_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${redact(err.stack)}\n`)
  return exitCodeOf(err)
}

/**
 * Opens the platform for one command and always closes it, whatever the command did. `readOnly` (a command
 * that only reads, such as status) takes no repository lock, so it works on a full disk too.
 */
export async function withPlatform<T>(g: GlobalOptions, fn: (p: Platform) => Promise<T>, opts: { readOnly?: boolean } = {}): Promise<T> {
  const p = await openPlatform(g.config, opts)
  const where = `its state (${p.config.database ? 'PostgreSQL' : p.config.stateDir}) and repository (${p.config.repository.path})`
  let failed = false
  try {
    return await fn(p)
  } catch (err) {
    failed = true
    throw asStorageError(err, where)
  } finally {
    // The command's own error says more than one closing meets after it (the same full disk, again).
    await p.close().catch((err: unknown) => {
      if (!failed) throw asStorageError(err, where)
    })
  }
}
