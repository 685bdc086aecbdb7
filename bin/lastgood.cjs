#!/usr/bin/env node
// The compiled CLI lives in dist/; `npm ci` builds it through the prepare script.
const { compileCli } = require('./load-cli.cjs')

let cli
try {
  cli = compileCli()
} catch (err) {
  if (err?.code !== 'ENOENT') throw err
  process.stderr.write('lastgood: dist/ is missing; run `npm ci` (or `npm run build`) first\n')
  process.exit(2)
}
cli.run()
