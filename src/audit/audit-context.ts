import { AsyncLocalStorage } from 'node:async_hooks'

const context = new AsyncLocalStorage<Record<string, unknown>>()

/**
 * Runs `fn` with details that every audit event appended meanwhile, however deep in the core, carries too:
 * how the person acting authenticated (auth/acting.ts puts them here), without each service passing them on.
 */
export function withAuditDetails<T>(details: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  return context.run(details, fn)
}

/** An event's own details, with the context's unless the event says who acted itself (its own `auth`). */
export function withContextDetails(own: Record<string, unknown>): Record<string, unknown> {
  const extra = context.getStore()
  return extra && !('auth' in own) ? { ...own, ...extra } : own
}
