import { lstat, readlink } from 'node:fs/promises'
import { basename, dirname, isAbsolute, resolve } from 'node:path'
import { UserError } from '../../core/errors.js'
import type { LocalReleaseComponent } from './local-release-component.js'

/** Where a Capistrano-style deploy keeps things: `<path>/<releases_dir>/<id>/` and `<path>/<current_link>`. */
export interface ReleaseLayout {
  root: string
  releases: string
  link: string
}

/** What `current` points to now. */
export interface CurrentRelease {
  release: string
  /** The link's own text, relative or absolute. */
  target: string
  releaseDir: string
  absolute: boolean
}

export function releaseLayout(c: LocalReleaseComponent): ReleaseLayout {
  return { root: c.path, releases: resolve(c.path, c.releasesDir), link: resolve(c.path, c.currentLink) }
}

/**
 * Reads the `current` symlink without following it further: cheap, changes nothing. Undefined when there is no
 * link at all (a fresh host, before the first deploy or a disaster-recovery restore); UserError when something
 * else sits there or the link leaves the releases directory, because then lastgood cannot tell what runs.
 */
export async function readCurrent(c: LocalReleaseComponent): Promise<CurrentRelease | undefined> {
  const { link, releases } = releaseLayout(c)
  const st = await lstat(link).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined
    throw err
  })
  if (!st) return undefined
  if (!st.isSymbolicLink()) {
    throw new UserError(
      `component ${c.name}: ${link} is not a symlink; lastgood expects ${link} → ${releases}/<release>. ` +
        'Move it away or fix current_link in the configuration',
    )
  }
  const target = await readlink(link)
  const releaseDir = resolve(dirname(link), target)
  if (dirname(releaseDir) !== releases) {
    throw new UserError(
      `component ${c.name}: ${link} points to ${target}, which is not a release directly inside ${releases}; ` +
        'fix the link or releases_dir in the configuration',
    )
  }
  return { release: basename(releaseDir), target, releaseDir, absolute: isAbsolute(target) }
}

/** readCurrent() for callers that need a release to exist: a missing link is a UserError saying so. */
export async function requireCurrent(c: LocalReleaseComponent): Promise<CurrentRelease> {
  const cur = await readCurrent(c)
  if (cur) return cur
  const { link, releases } = releaseLayout(c)
  throw new UserError(
    `component ${c.name}: the release layout is missing: ${link} does not exist. Deploy a release into ` +
      `${releases}/<release> and point ${link} at it, or fix path and current_link in the configuration`,
  )
}
