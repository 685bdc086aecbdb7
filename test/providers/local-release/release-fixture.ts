import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalReleaseComponent } from '../../../src/providers/local-release/local-release-component.js'

/** A Capistrano deploy root in `root`: releases/<id>/ side by side and `current` → releases/<live>. */
export async function deployRoot(root: string, releases: Record<string, Record<string, string>>, live: string) {
  for (const [id, files] of Object.entries(releases)) await writeRelease(root, id, files)
  await symlink(`releases/${live}`, join(root, 'current'))
}

export async function writeRelease(root: string, id: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, 'releases', id, path)
    await mkdir(join(abs, '..'), { recursive: true })
    await writeFile(abs, text)
  }
}

/** The restart command appends where `current` points, so a test sees that it ran, and after the switch. */
export const RECORDING_RESTART = 'readlink current >> restarts.log'

export function component(root: string, overrides: Partial<LocalReleaseComponent> = {}): LocalReleaseComponent {
  return {
    name: 'web',
    provider: 'local-release',
    path: root,
    releasesDir: 'releases',
    currentLink: 'current',
    restart: RECORDING_RESTART,
    restartTimeoutMs: 10_000,
    ...overrides,
  }
}

export async function restarts(root: string): Promise<string[]> {
  const text = await readFile(join(root, 'restarts.log'), 'utf8').catch(() => '')
  return text.split('\n').filter(Boolean)
}

export const V1 = {
  'index.html': '<h1>v1</h1>\n',
  'app.js': 'console.log("v1")\n',
  'assets/logo.svg': '<svg/>\n',
}

export const V2 = {
  'index.html': '<h1>v2, now with more</h1>\n',
  'app.js': 'console.log("v1")\n',
  'assets/new.css': 'body{}\n',
}
