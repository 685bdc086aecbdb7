/**
 * Test hook for RELIABILITY case 7, and nothing else: with `LASTGOOD_FAULT_KILL_AFTER=<n>` in the
 * environment, the process SIGKILLs itself right after its n-th durable journal write (run begin, step
 * start, step end, app outcome, run finish, resume), so a test can stop a real rollback at every durable
 * boundary and prove that the next run finishes it with each step taking effect exactly once. SIGKILL
 * because it cannot be caught: no finally block, no exit handler, no lock release runs, exactly as in a
 * power cut or an OOM kill. SQLite (its crash-test VFS) and restic (its debug kill points) ship the same kind
 * of hook in the product and test through it. Unset, it costs one environment lookup per write.
 */
let writes = 0

export function durableWriteDone(): void {
  const setting = process.env.LASTGOOD_FAULT_KILL_AFTER
  if (setting === undefined || setting === '') return
  const n = Number(setting)
  // A test that mistypes the boundary must fail loudly, not run to the end and pass for the wrong reason.
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`LASTGOOD_FAULT_KILL_AFTER must be a positive integer, got "${setting}"`)
  if (++writes === n) process.kill(process.pid, 'SIGKILL')
}
