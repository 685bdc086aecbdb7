import { hostname } from 'node:os'

export const HOST = hostname()

/** Whether a process with this pid exists on this host. EPERM means it exists but is not ours. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
