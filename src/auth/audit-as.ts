import { appendAuditIn } from '../audit/audit-log.js'
import type { AuditEvent, AuditInput } from '../audit/audit-event.js'
import type { StateDb } from '../state/open-state.js'
import { auditedBy, type Identity } from './identity.js'

/** Appends an audit event acted by `identity`, inside the caller's write transaction, so it commits with the change. */
export async function auditAs(tx: StateDb, identity: Identity, input: Omit<AuditInput, 'actor'>): Promise<AuditEvent> {
  const by = auditedBy(identity)
  return appendAuditIn(tx, { ...input, actor: by.actor, details: { ...input.details, ...by.details } })
}
