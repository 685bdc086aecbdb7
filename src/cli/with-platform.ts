import { asStorageError } from '../core/storage-fault.js'
import type { Platform } from '../platform/platform.js'
import { openPlatform } from '../platform/open-platform.js'
import type { GlobalOptions } from './global-options.js'

/**
 * Opens the platform for one command and always closes it, whatever the command did. `readOnly` (a command
 * that only reads, such as status) takes no repository lock, so it works on a full disk too.
 */
export async function withPlatform<T>(g: GlobalOptions, fn: (p: Platform) => Promise<T>, opts: { readOnly?: boolean } = {}): Promise<T> {
  const p = await openPlatform(g.config, opts)
  const where = `its state (${p.config.database ? 'PostgreSQL' : p.config.stateDir}) and repository (${p.config.repository.path})`
  let failed = false
  try {
    return await fn(p)
  } catch (err) {
    failed = true
    throw asStorageError(err, where)
  } finally {
    // The command's own error says more than one closing meets after it (the same full disk, again).
    await p.close().catch((err: unknown) => {
      if (!failed) throw asStorageError(err, where)
    })
  }
}
