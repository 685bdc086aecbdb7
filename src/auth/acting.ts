import { AsyncLocalStorage } from 'node:async_hooks'
import { withAuditDetails } from '../audit/audit-context.js'
import { auditedBy, type Identity } from './identity.js'

const acting = new AsyncLocalStorage<Identity>()

/**
 * Runs `fn` on behalf of `identity`: every audit event appended while it runs, however deep in the core,
 * records how that identity authenticated (auditedBy), without each service taking the identity as an
 * argument. The server runs each request's operation so, the command line each local one.
 */
export function actingAs<T>(identity: Identity, fn: () => Promise<T>): Promise<T> {
  return acting.run(identity, () => withAuditDetails(auditedBy(identity).details, fn))
}

/** Who the running operation acts for; undefined for lastgood's own actions (the monitor, the scheduler). */
export function actingIdentity(): Identity | undefined {
  return acting.getStore()
}
