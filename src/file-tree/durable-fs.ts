import { chmod, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { errCode } from '../core/errors.js'

/**
 * Removes a directory tree that lastgood wrote (a partial restore, a temporary directory). Directories restored
 * read-only (0555) refuse deletion of their entries to a non-root user, so on EACCES they are made writable
 * first. Missing is fine: removal is idempotent.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true })
  } catch (err) {
    const code = errCode(err)
    if (code !== 'EACCES' && code !== 'EPERM') throw err
    await makeWritable(path)
    await rm(path, { recursive: true, force: true })
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined)
  const names = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const d of names) if (d.isDirectory()) await makeWritable(join(dir, d.name))
}
