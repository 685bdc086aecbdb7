import { auditAs } from '../auth/audit-as.js'
import type { Identity } from '../auth/identity.js'
import { RefusedError } from '../core/errors.js'
import type { State, StateDb } from '../state/open-state.js'

/** A refusal to be thrown once the transaction that audited it has committed. */
export class Refusal {
  constructor(readonly message: string) {}
}

/**
 * Records a refusal (`<family>.refused`, with `why`) in the caller's transaction and returns it for the caller
 * to throw after the commit: a refused action changes nothing but the audit trail.
 */
export async function refuseIn(
  tx: StateDb,
  identity: Identity,
  r: {
    family: 'approval' | 'break-glass' | 'review'
    target: string
    why: string
    message: string
    reason?: string | null
    details?: Record<string, unknown>
  },
): Promise<Refusal> {
  await auditAs(tx, identity, {
    action: `${r.family}.refused`,
    target: r.target,
    reason: r.reason ?? null,
    outcome: 'refused',
    details: { why: r.why, message: r.message, ...r.details },
  })
  return new Refusal(r.message)
}

/** Runs fn in a write transaction; a Refusal it returns is thrown (exit 3) after the audit event committed. */
export async function refusable<T>(state: State, fn: (tx: StateDb) => Promise<T | Refusal>): Promise<T> {
  const out = await state.writeTransaction(fn)
  if (out instanceof Refusal) throw new RefusedError(out.message)
  return out
}
