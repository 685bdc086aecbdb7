// The command line is one CommonJS bundle, dist/cli/main.cjs, compiled here through node:vm so that V8 reuses
// the code it compiled when the build ran the bundle once (dist/cli/main.cjs.cache): about a third of what a
// command costs to start. Node 20 keeps no such cache for ES modules. See docs/design.md, "Start-up".
const { createHash } = require('node:crypto')
const { readFileSync } = require('node:fs')
const { createRequire } = require('node:module')
const { dirname, join } = require('node:path')
const { Script } = require('node:vm')

const BUNDLE = join(__dirname, '../dist/cli/main.cjs')
const CODE_CACHE = `${BUNDLE}.cache`
const HASH_BYTES = 32

/**
 * The bundle compiled, with its code cache unless useCache is false. `cache` says what became of the cache:
 * `used`; `none` (no file); `stale` (written for another bundle); `rejected` (by V8: another Node.js, or
 * other V8 flags). Only `used` saves time; every other case compiles from source and runs the same.
 * Throws ENOENT when the bundle is missing.
 */
function compileCli({ useCache = true } = {}) {
  const source = readFileSync(BUNDLE)
  const hash = createHash('sha256').update(source).digest()
  const cached = useCache ? readCache(hash) : { state: 'none' }
  // The wrapper Node gives every CommonJS module; the bundle opens with "use strict", as its ES modules were.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source.toString('utf8')}\n})`, {
    filename: BUNDLE,
    cachedData: cached.data,
  })
  return {
    cache: cached.data && script.cachedDataRejected ? 'rejected' : cached.state,
    run() {
      const module = { exports: {} }
      script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE))
    },
    /** The cache file's bytes: the bundle's SHA-256, then what V8 has compiled of it so far. */
    codeCache: () => Buffer.concat([hash, script.createCachedData()]),
  }
}

function readCache(hash) {
  let file
  try {
    file = readFileSync(CODE_CACHE)
  } catch {
    return { state: 'none' }
  }
  // V8 checks a cache against its source's length alone: a same-length edit of the bundle would run stale code.
  if (!file.subarray(0, HASH_BYTES).equals(hash)) return { state: 'stale' }
  return { state: 'used', data: file.subarray(HASH_BYTES) }
}

module.exports = { BUNDLE, CODE_CACHE, compileCli }
