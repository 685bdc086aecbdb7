import { spawnSync } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'

// The command line runs from dist/cli/main.cjs with the code V8 compiled of it at build time
// (bin/load-cli.cjs). A cache that is missing, written for another bundle or refused by V8 costs time and
// nothing else: the command runs the bundle it finds, never code compiled from another.

const DESCRIPTION = 'snapshot before a deploy, roll back to the last known good state, prove it'

let pkg: string
beforeEach(async () => {
  // The parts of an installed package the command line reads: bin/, the bundle and its cache.
  pkg = await mkdtemp(join(tmpdir(), 'lastgood-code-cache-'))
  await cp(join(PACKAGE_ROOT, 'bin'), join(pkg, 'bin'), { recursive: true })
  await cp(join(PACKAGE_ROOT, 'dist/cli'), join(pkg, 'dist/cli'), { recursive: true })
  await cp(join(PACKAGE_ROOT, 'package.json'), join(pkg, 'package.json'))
})
afterEach(async () => {
  await rm(pkg, { recursive: true, force: true })
})

const bundle = () => join(pkg, 'dist/cli/main.cjs')
const cacheFile = () => `${bundle()}.cache`

function run(...args: string[]) {
  return spawnSync(process.execPath, [join(pkg, 'bin/lastgood.cjs'), ...args], { encoding: 'utf8' })
}

/** What the loader made of the cache, asked in a fresh process as the command line runs. */
function cacheState(): string {
  const r = spawnSync(process.execPath, ['-p', `require(${JSON.stringify(join(pkg, 'bin/load-cli.cjs'))}).compileCli().cache`], {
    encoding: 'utf8',
  })
  expect(r.stderr).toBe('')
  return r.stdout.trim()
}

describe('the code cache of the command line', () => {
  it('is written by the build and used by the built command', () => {
    expect(cacheState()).toBe('used')
    const r = run('--help')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(DESCRIPTION)
  })

  it('is not used for a bundle of the same length with other code: the command runs what the bundle says', async () => {
    const source = await readFile(bundle(), 'utf8')
    const edited = DESCRIPTION.replace('prove it', 'PROVE IT')
    expect(source).toContain(DESCRIPTION)
    await writeFile(bundle(), source.replace(DESCRIPTION, edited))
    expect(cacheState()).toBe('stale')
    const r = run('--help')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(edited)
  })

  it('refused by V8 or missing, costs only time', async () => {
    const file = await readFile(cacheFile())
    // The right bundle hash, then bytes V8 cannot read as its cache.
    await writeFile(cacheFile(), Buffer.concat([file.subarray(0, 32), Buffer.alloc(4096, 7)]))
    expect(cacheState()).toBe('rejected')
    expect(run('--version').status).toBe(0)
    await rm(cacheFile())
    expect(cacheState()).toBe('none')
    expect(run('--help').stdout).toContain(DESCRIPTION)
  })

  it('a missing bundle says how to build it and exits 2', async () => {
    await rm(join(pkg, 'dist'), { recursive: true })
    const r = run('--help')
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('lastgood: dist/ is missing; run `npm ci` (or `npm run build`) first\n')
  })
})
