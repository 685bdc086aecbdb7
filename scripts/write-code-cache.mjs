// Runs the command line once, with the arguments after this script's name, and writes what V8 compiled of
// the bundle while it ran to dist/cli/main.cjs.cache (bin/load-cli.cjs). The build runs it on `status` of
// the clinic example: the code a typical command runs is then compiled before its first start.
import { writeFileSync } from 'node:fs'
import { CODE_CACHE, compileCli } from '../bin/load-cli.cjs'

const cli = compileCli({ useCache: false })
process.on('exit', () => writeFileSync(CODE_CACHE, cli.codeCache()))
cli.run()
