#!/usr/bin/env node
// The compiled CLI lives in dist/; `npm ci` builds it through the prepare script.
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('lastgood: dist/ is missing; run `npm ci` (or `npm run build`) first\n')
    process.exit(2)
  }
  throw err
})
