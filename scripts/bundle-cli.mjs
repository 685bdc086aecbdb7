// The command line as one bundle in dist/cli/ (with a chunk per lazily loaded command handler), built from
// the compiled dist/src/. Node 20 loads one ES module per file, and resolving and compiling some 600 small
// files cost `status` about a third of its start-up; see docs/design.md, "Start-up".
import { rm } from 'node:fs/promises'
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

await rm('dist/cli', { recursive: true, force: true })
await build({
  entryPoints: ['dist/src/cli/main.js'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons, and what loads only on its first use (a PostgreSQL state, a mail, a log record above the level).
  external: ['better-sqlite3', 'zstd-napi', 'pg', 'nodemailer', 'pino'],
  // Bundled CommonJS code (commander, yaml) calls require() for Node's own modules.
  banner: { js: "import { createRequire as lastgoodRequire } from 'node:module'; const require = lastgoodRequire(import.meta.url);" },
  // Whitespace and syntax only: identifiers keep their names, so a stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [onlyEnglishZodMessages],
  logLevel: 'warning',
})
