import type { Platform } from '../platform/platform.js'
import { type Approval, isSettled } from './approval.js'
import { type ApprovalClock, nowMs } from './approval-clock.js'
import { requireApproval } from './approval-store.js'
import { expireIn } from './decide-approval.js'

const POLL_MS = 200

/**
 * Follows a request until it settles (rejected, expired, stale, or executed and its run ended) or `timeoutMs`
 * passes; returns it as it then is. A request whose time ran out is expired here too, so a wait ends without a
 * scheduler running. `signal` ends the wait early.
 */
export async function waitForApproval(
  p: Platform,
  id: string,
  opts: { timeoutMs: number; signal?: AbortSignal; clock?: ApprovalClock },
): Promise<Approval> {
  const end = performance.now() + opts.timeoutMs
  for (;;) {
    let a = await requireApproval(p.state.db, id)
    if (a.status === 'pending' && Date.parse(a.expiresAt) <= nowMs(opts.clock)) {
      a = await p.state.writeTransaction(async (tx) => expireIn(tx, await requireApproval(tx, id), nowMs(opts.clock), 'lastgood'))
    }
    if (isSettled(a) || performance.now() >= end || opts.signal?.aborted) return a
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, end - performance.now()))))
  }
}

/** The exit code of a settled request: 0 executed and succeeded, 1 executed and failed, 3 anything else. */
export function approvalExitCode(a: Approval): 0 | 1 | 3 {
  if (a.status === 'executed' && a.outcome !== null) return a.outcome === 'succeeded' ? 0 : 1
  return 3
}
