import { CommanderError } from 'commander'
import { type ExitCode, exitCodeOf, IntegrityError, messageOf, OperationFailedError, RefusedError, UserError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import { asStorageError } from '../core/storage-fault.js'
import { EXIT_CODE_OF, errorDocument } from '../operations/error-document.js'
import { printJson } from './output.js'
import { RemoteError } from './remote.js'

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
  if (thrown instanceof CommanderError) {
    // Commander has printed its own message (and the help) on stderr already.
    const code = thrown.exitCode === 0 ? 0 : 2
    if (code !== 0 && wantsJson()) printJson({ error: { code: 'usage', message: thrown.message.replace(/^error: /, ''), path: null } })
    return code
  }
  // The server said what went wrong, and how to say it: the same words, document and exit code as locally.
  if (thrown instanceof RemoteError) {
    process.stderr.write(`lastgood: ${redact(thrown.document.message)}\n`)
    if (wantsJson()) printJson({ error: thrown.document })
    return EXIT_CODE_OF[thrown.document.code]
  }
  // A full disk or an I/O error is the operator's to fix, not a bug: say so, in words.
  const err = asStorageError(thrown, 'its files')
  const known =
    err instanceof UserError || err instanceof RefusedError || err instanceof OperationFailedError || err instanceof IntegrityError
  const message = redact(messageOf(err))
  process.stderr.write(`lastgood: ${message}\n`)
  if (!known && process.env.LASTGOOD_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${redact(err.stack)}\n`)
  if (wantsJson()) printJson({ error: errorDocument(err, message) })
  return exitCodeOf(err)
}

/** Read from the command line itself: a usage error comes before commander has parsed the options. */
function wantsJson(): boolean {
  const args = process.argv.slice(2)
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).includes('--json')
}
