import { appendAudit } from '../../../src/audit/audit-log.js'
import type { State } from '../../../src/state/open-state.js'

/** Appends n ordinary audit events (r0, r1, …); `after(i)` runs after each, e.g. to take a checkpoint. */
export async function appendEvents(state: State, n: number, after?: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i++) {
    await appendAudit(state, {
      actor: 'alice',
      action: 'snapshot.create',
      target: 'staff',
      reason: `r${i}`,
      outcome: 'success',
      details: { i },
    })
    await after?.(i)
  }
}
