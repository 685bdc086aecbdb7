// The command line as one CommonJS bundle, dist/cli/main.cjs, built from the compiled dist/src/, and the code
// cache V8 compiles it into (bin/load-cli.cjs). Node 20 loads one ES module per file, and resolving and
// compiling some 600 small files cost `status` about a third of its start-up; compiling the one bundle costs
// another third, which the code cache saves. See docs/design.md, "Start-up".
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, sep } from 'node:path'
import { build } from 'esbuild'

/**
 * zod's classic API re-exports the error messages of some forty languages (half of zod's bytes) and installs
 * English; lastgood speaks English only, so its bundle carries that one.
 */
const onlyEnglishZodMessages = {
  name: 'only-english-zod-messages',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`) ? { path: join(dirname(args.importer), '../locales/en.js') } : undefined,
    )
  },
}

const BUNDLE = 'dist/cli/main.cjs'

rmSync('dist/cli', { recursive: true, force: true })
await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: BUNDLE,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Native addons, and what loads only on its first use (a PostgreSQL state, a mail, a log record above the level).
  external: ['better-sqlite3', 'zstd-napi', 'pg', 'nodemailer', 'pino', '@node-rs/argon2'],
  // Strict, as the ES modules it is built from were; import.meta.url, which CommonJS lacks, from its file name.
  banner: { js: `"use strict";const lastgoodModuleUrl=require("node:url").pathToFileURL(__filename).href;` },
  define: { 'import.meta.url': 'lastgoodModuleUrl' },
  // Whitespace and syntax only: identifiers keep their names, so a stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [onlyEnglishZodMessages],
  logLevel: 'warning',
})

// A script compiled through node:vm has no loader for import(): every module the bundle loads, it requires.
const dynamicImport = /\bimport\(/.exec(readFileSync(BUNDLE, 'utf8'))
if (dynamicImport) throw new Error(`${BUNDLE} holds an import() at offset ${dynamicImport.index}: load that module with require`)

const dir = mkdtempSync(join(tmpdir(), 'lastgood-code-cache-'))
try {
  // The caller's LASTGOOD_CONFIG or LASTGOOD_PASSWORD would point the run elsewhere than the example.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LASTGOOD_')))
  for (const args of [
    ['bin/lastgood.cjs', 'init', '--example', 'clinic'],
    ['scripts/write-code-cache.mjs', 'status'],
  ]) {
    const r = spawnSync(process.execPath, [join(process.cwd(), args[0]), ...args.slice(1)], { cwd: dir, env, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`writing the code cache: lastgood ${args.slice(1).join(' ')} exited ${r.status}: ${r.stderr}`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
