import { createHash } from 'node:crypto'
import { canonicalJson } from '../core/canonical-json.js'

export const GENESIS_HASH = '0'.repeat(64)

export type AuditOutcome = 'success' | 'failure' | 'refused' | 'started'

/** What a caller says happened. Who, what, on what, why, and how it ended. */
export interface AuditInput {
  actor: string
  action: string
  target: string
  reason?: string | null
  outcome: AuditOutcome
  details?: Record<string, unknown>
}

export interface AuditEvent {
  seq: number
  ts: string
  actor: string
  action: string
  target: string
  reason: string | null
  outcome: string
  details: Record<string, unknown>
  prevHash: string
  hash: string
}

/**
 * The hash covers every field and the previous event's hash, so editing, removing or reordering any event
 * breaks the chain from that point on.
 */
export function hashEvent(e: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq,
    ts: e.ts,
    actor: e.actor,
    action: e.action,
    target: e.target,
    reason: e.reason,
    outcome: e.outcome,
    details: e.details,
    prev_hash: e.prevHash,
  })
  return createHash('sha256').update(body).digest('hex')
}
