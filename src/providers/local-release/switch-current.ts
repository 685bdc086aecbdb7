import { randomBytes } from 'node:crypto'
import { lchown, lstat, mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { fsyncDir } from '../../core/fsync-dir.js'

/**
 * Points `link` at `releaseDir` atomically: a new symlink beside it, renamed over it (rename(2) replaces the
 * old link in one step, so readers see the old release or the new one, never neither), then the directory is
 * fsynced so the switch survives a crash. `absolute` keeps the style the deploy tool chose, and a restore run
 * as root keeps the old link's owner (the deploy user's, whose tool replaces it at the next deploy).
 * Idempotent: returns false, touching nothing, when the link already says exactly this. A temporary link a
 * killed run left beside `link` is removed first.
 */
const TEMP_SUFFIX = '.lastgood-tmp-'

export async function switchCurrent(link: string, releaseDir: string, absolute: boolean): Promise<boolean> {
  const target = absolute ? releaseDir : relative(dirname(link), releaseDir)
  const existing = await readlink(link).catch(() => undefined)
  if (existing === target) return false
  const owner = process.geteuid?.() === 0 ? await lstat(link).catch(() => undefined) : undefined
  await mkdir(dirname(link), { recursive: true })
  await removeStaleLinks(link)
  const temp = `${link}${TEMP_SUFFIX}${randomBytes(6).toString('hex')}`
  await symlink(target, temp)
  try {
    if (owner) await lchown(temp, owner.uid, owner.gid)
    await rename(temp, link)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
  await fsyncDir(dirname(link))
  return true
}

async function removeStaleLinks(link: string): Promise<void> {
  const prefix = basename(link) + TEMP_SUFFIX
  for (const name of await readdir(dirname(link))) {
    if (!name.startsWith(prefix)) continue
    const stale = join(dirname(link), name)
    if ((await lstat(stale)).isSymbolicLink()) await rm(stale, { force: true })
  }
}
