/**
 * Secrets must never reach a log, an audit event, a report or an error message (RELIABILITY case 14).
 * Everything user-visible that may carry foreign text passes through redact() first.
 */

const registered = new Set<string>()

/** Registers a secret value (a passphrase, a token) so that it is masked wherever it appears. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) registered.add(value)
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(?::[^\s/@]*)?@/gi
const BEARER = /\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi
const KEY_VALUE = /\b([A-Za-z0-9_]*(?:password|passphrase|secret|token|api[_-]?key|authorization)[A-Za-z0-9_]*)(["']?\s*[:=]\s*["']?)([^\s"',}]+)/gi

export function redact(text: string): string {
  let out = text
  for (const secret of registered) out = out.split(secret).join('***')
  return out
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(BEARER, '$1 ***')
    .replace(KEY_VALUE, '$1$2***')
}

/** Redacts every string inside a JSON-like value, for events and reports. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v)
    return out as T
  }
  return value
}
