import { homedir } from 'node:os'
import path from 'node:path'

/** Absolute path of `p`, relative to `base`; `~/…` is the home directory. */
export function resolvePath(base: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(homedir(), p.slice(1))
  return path.resolve(base, p)
}
