import { closeSync, openSync, writeSync } from 'node:fs'

/**
 * Test hooks for RELIABILITY cases 7 and 8, and nothing else: with `LASTGOOD_FAULT_KILL_AFTER=<n>` in the
 * environment, the process SIGKILLs itself right after its n-th durable journal write (run begin, step
 * start, step end, app outcome, run finish, resume), so a test can stop a real rollback at every durable
 * boundary and prove that the next run finishes it with each step taking effect exactly once. SIGKILL
 * because it cannot be caught: no finally block, no exit handler, no lock release runs, exactly as in a
 * power cut or an OOM kill. SQLite (its crash-test VFS) and restic (its debug kill points) ship the same kind
 * of hook in the product and test through it. Unset, it costs one environment lookup per write.
 */
let writes = 0

export function durableWriteDone(): void {
  const kill = boundary('LASTGOOD_FAULT_KILL_AFTER')
  const fill = boundary('LASTGOOD_FAULT_DISK_FULL_AFTER')
  if (kill === undefined && fill === undefined) return
  ++writes
  if (writes === fill) fillDisk(process.env.LASTGOOD_FAULT_DISK_FULL_FILE ?? '')
  if (writes === kill) process.kill(process.pid, 'SIGKILL')
}

function boundary(name: string): number | undefined {
  const setting = process.env[name]
  if (setting === undefined || setting === '') return undefined
  const n = Number(setting)
  // A test that mistypes the boundary must fail loudly, not run to the end and pass for the wrong reason.
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${setting}"`)
  return n
}

/**
 * RELIABILITY case 8 through the same boundaries: `LASTGOOD_FAULT_DISK_FULL_AFTER=<n>` fills the disk that
 * holds `LASTGOOD_FAULT_DISK_FULL_FILE` right after the n-th durable write (zeros appended to that file until
 * the disk refuses), so the next write meets a real ENOSPC from the kernel: a test mounts a small tmpfs for
 * the state and repository and removes the file to give the space back.
 */
function fillDisk(file: string): void {
  if (!file) throw new Error('LASTGOOD_FAULT_DISK_FULL_AFTER needs LASTGOOD_FAULT_DISK_FULL_FILE, the file to fill the disk with')
  const fd = openSync(file, 'a')
  try {
    for (const size of [1 << 20, 1 << 12, 1 << 9]) {
      const zeros = Buffer.alloc(size)
      for (;;) {
        try {
          writeSync(fd, zeros)
        } catch {
          break
        }
      }
    }
  } finally {
    closeSync(fd)
  }
}
