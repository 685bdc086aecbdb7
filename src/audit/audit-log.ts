import { isoNow } from '../core/clock.js'
import { redact, redactDeep } from '../core/redact.js'
import type { AuditEventTable } from '../state/schema.js'
import type { State, StateDb } from '../state/open-state.js'
import { withContextDetails } from './audit-context.js'
import { type AuditEvent, type AuditInput, GENESIS_HASH, hashEvent } from './audit-event.js'

/**
 * Appends one event to the chain. Runs in a write transaction so two processes never chain onto the same
 * head. Secrets are redacted before hashing: what is stored is exactly what was hashed.
 */
export async function appendAudit(state: State, input: AuditInput): Promise<AuditEvent> {
  return state.writeTransaction((tx) => appendAuditIn(tx, input))
}

/** The same, inside a write transaction the caller already holds (so the event commits with its change). */
export async function appendAuditIn(tx: StateDb, input: AuditInput): Promise<AuditEvent> {
  const details = withContextDetails(input.details ?? {})
  const head = await tx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  const unsigned = {
    seq: (head?.seq ?? 0) + 1,
    ts: isoNow(),
    actor: redact(input.actor),
    action: input.action,
    target: redact(input.target),
    reason: input.reason == null ? null : redact(input.reason),
    outcome: input.outcome,
    details: redactDeep(details),
    prevHash: head?.hash ?? GENESIS_HASH,
  }
  const event: AuditEvent = { ...unsigned, hash: hashEvent(unsigned) }
  await tx.insertInto('audit_events').values(toRow(event)).execute()
  return event
}

/** The newest event's seq (0 before the first): it moves with every recorded change. */
export async function auditHead(db: StateDb): Promise<number> {
  const head = await db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst()
  return head?.seq ?? 0
}

export async function listAudit(db: StateDb, opts: { since?: string; limit?: number } = {}): Promise<AuditEvent[]> {
  let q = db.selectFrom('audit_events').selectAll().orderBy('seq', 'asc')
  if (opts.since) q = q.where('ts', '>=', opts.since)
  if (opts.limit) q = q.limit(opts.limit)
  return (await q.execute()).map(fromRow)
}

export function toRow(e: AuditEvent): AuditEventTable {
  return {
    seq: e.seq,
    ts: e.ts,
    actor: e.actor,
    action: e.action,
    target: e.target,
    reason: e.reason,
    outcome: e.outcome,
    details: JSON.stringify(e.details),
    prev_hash: e.prevHash,
    hash: e.hash,
  }
}

export function fromRow(r: AuditEventTable): AuditEvent {
  return {
    seq: Number(r.seq),
    ts: r.ts,
    actor: r.actor,
    action: r.action,
    target: r.target,
    reason: r.reason,
    outcome: r.outcome,
    details: JSON.parse(r.details) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}
