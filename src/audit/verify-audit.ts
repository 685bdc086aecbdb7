import type { StateDb } from '../state/open-state.js'
import { GENESIS_HASH, hashEvent } from './audit-event.js'
import { fromRow } from './audit-log.js'

export interface AuditVerifyReport {
  ok: boolean
  events: number
  headHash: string
  /** The first event where the chain breaks, and why. */
  firstBad?: { seq: number; problem: string }
}

/**
 * Recomputes the chain from the first event. Reports the first break only: everything after a break is
 * unverifiable by construction. Streams in pages so a long chain needs no more memory than one page.
 */
export async function verifyAudit(db: StateDb): Promise<AuditVerifyReport> {
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let events = 0
  const pageSize = 5000
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute()
    for (const row of rows) {
      const e = fromRow(row)
      const bad = (problem: string): AuditVerifyReport => ({ ok: false, events, headHash: prevHash, firstBad: { seq: e.seq, problem } })
      if (e.seq !== expectedSeq) {
        return { ok: false, events, headHash: prevHash, firstBad: { seq: expectedSeq, problem: `event ${expectedSeq} is missing (removed); the next present event is ${e.seq}` } }
      }
      if (e.prevHash !== prevHash) return bad(`event ${e.seq} does not follow event ${e.seq - 1}: its previous-hash does not match (removed or reordered events)`)
      const { hash, ...unsigned } = e
      if (hashEvent(unsigned) !== hash) return bad(`event ${e.seq} was changed after it was written: its content does not match its hash`)
      prevHash = hash
      expectedSeq++
      events++
    }
    if (rows.length < pageSize) break
  }
  return { ok: true, events, headHash: prevHash }
}
