import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import type { Env } from '../../src/config/interpolate.js'

const dirs: string[] = []

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

/** A fresh directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lastgood-config-'))
  dirs.push(dir)
  return dir
}

/** Writes `text` to lastgood.yaml in a fresh directory and returns its path. */
export async function writeConfig(text: string, name = 'lastgood.yaml'): Promise<string> {
  const file = path.join(await tempDir(), name)
  await writeFile(file, text)
  return file
}

/** The error message of loading `text` from a real file, with the file's path replaced by `lastgood.yaml`. */
export async function loadError(text: string, env: Env = {}): Promise<string> {
  const file = await writeConfig(text)
  try {
    await loadConfig(file, env)
  } catch (err) {
    return (err as Error).message.split(file).join('lastgood.yaml')
  }
  throw new Error('expected the configuration to be rejected')
}

/** A small valid configuration; tests edit it to make one thing wrong. */
export const MINIMAL = `version: 1
platform: clinic
apps:
  staff:
    priority: 1
    health:
      checks:
        - name: api
          url: http://127.0.0.1:4101/health
    components:
      release:
        provider: local-release
        path: ./apps/staff
`
