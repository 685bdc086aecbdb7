import { errCode } from '../core/errors.js'
import { buildProgram } from './program.js'
import { reportError } from './run-action.js'

// `lastgood config schema | head`: a reader that has read enough is not an error.
process.stdout.on('error', (err) => {
  if (errCode(err) !== 'EPIPE') throw err
  process.exit(process.exitCode ?? 0)
})

// No top-level await: the bundle is CommonJS, so that V8 can reuse its compiled code (see bin/lastgood.cjs).
buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.exitCode = reportError(err)
  })
