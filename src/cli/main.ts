import { errCode } from '../core/errors.js'
import { buildProgram } from './program.js'
import { reportError } from './run-action.js'

// `lastgood config schema | head`: a reader that has read enough is not an error.
process.stdout.on('error', (err) => {
  if (errCode(err) !== 'EPIPE') throw err
  process.exit(process.exitCode ?? 0)
})

const program = buildProgram()
try {
  await program.parseAsync(process.argv)
} catch (err) {
  process.exitCode = reportError(err)
}
