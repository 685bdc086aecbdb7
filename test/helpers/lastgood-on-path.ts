import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'

/**
 * Puts a `lastgood` command into DIR/bin, as `npm link` does, and returns that directory for the front of
 * PATH: scripts under test call `lastgood` by name, as the README and the examples write it.
 */
export async function lastgoodOnPath(dir: string): Promise<string> {
  const bin = join(dir, 'bin')
  await mkdir(bin, { recursive: true })
  await writeFile(join(bin, 'lastgood'), `#!/bin/sh\nexec "${process.execPath}" "${join(PACKAGE_ROOT, 'bin/lastgood.cjs')}" "$@"\n`)
  await chmod(join(bin, 'lastgood'), 0o755)
  return bin
}
