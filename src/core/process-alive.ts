import { hostname } from 'node:os'
import { errCode } from './err-code.js'

export const HOST = hostname()

/** Whether a process with this pid exists on this host. EPERM means it exists but is not ours. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return errCode(err) === 'EPERM'
  }
}
