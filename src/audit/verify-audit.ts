import type { CheckpointListing } from '../repository/types.js'
import type { AuditEventTable } from '../state/schema.js'
import type { StateDb } from '../state/open-state.js'
import { type AuditEvent, GENESIS_HASH, hashEvent } from './audit-event.js'
import { fromRow } from './audit-log.js'
import { CheckpointComparison, type CheckpointSummary } from './compare-checkpoints.js'

export interface AuditVerifyReport {
  /** False when the chain breaks or any checkpoint disagrees with it (or is damaged). */
  ok: boolean
  /** Events verified before the first break (all of them when the chain is intact). */
  events: number
  headHash: string
  /** The first event where the chain breaks, and why. */
  firstBad?: { seq: number; problem: string }
  /** Present when checkpoints were given: they find what the chain cannot, a cut tail or a full rehash. */
  checkpoints?: CheckpointSummary
}

export interface VerifyAuditOptions {
  /** From the repository (or a test). Without it only the chain itself is checked. */
  checkpoints?: CheckpointListing
}

/**
 * Recomputes the chain from the first event and compares it with every checkpoint. Reports the first break
 * only: everything after a break is unverifiable by construction, though checkpoints are still compared
 * with it. Streams in pages so a long chain needs no more memory than one page.
 */
export async function verifyAudit(db: StateDb, opts: VerifyAuditOptions = {}): Promise<AuditVerifyReport> {
  const compare = opts.checkpoints ? new CheckpointComparison(opts.checkpoints) : undefined
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let events = 0
  let firstBad: AuditVerifyReport['firstBad']
  let lastSeq = 0
  let after: number | undefined
  const pageSize = 5000
  for (;;) {
    let q = db.selectFrom('audit_events').selectAll().orderBy('seq', 'asc').limit(pageSize)
    if (after !== undefined) q = q.where('seq', '>', after)
    const rows = await q.execute()
    for (const row of rows) {
      after = lastSeq = Number(row.seq)
      compare?.event(lastSeq, row.hash)
      if (firstBad) continue
      firstBad = checkLink(row, expectedSeq, prevHash)
      if (firstBad) continue
      prevHash = row.hash
      expectedSeq++
      events++
    }
    if (rows.length < pageSize || (firstBad && !compare)) break
  }
  const checkpoints = compare?.finish(lastSeq)
  const ok = !firstBad && (checkpoints?.problems.length ?? 0) === 0
  return { ok, events, headHash: prevHash, ...(firstBad ? { firstBad } : {}), ...(checkpoints ? { checkpoints } : {}) }
}

function checkLink(row: AuditEventTable, expectedSeq: number, prevHash: string): AuditVerifyReport['firstBad'] {
  const seq = Number(row.seq)
  if (seq !== expectedSeq)
    return { seq: expectedSeq, problem: `event ${expectedSeq} is missing (removed); the next present event is ${seq}` }
  let e: AuditEvent
  try {
    e = fromRow(row)
  } catch {
    return { seq, problem: `event ${seq} was changed after it was written: its details are not valid JSON` }
  }
  if (e.prevHash !== prevHash)
    return { seq, problem: `event ${seq} does not follow event ${seq - 1}: its previous-hash does not match (removed or reordered events)` }
  if (hashEvent(e) !== e.hash) return { seq, problem: `event ${seq} was changed after it was written: its content does not match its hash` }
  return undefined
}
