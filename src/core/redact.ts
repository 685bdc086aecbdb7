/**
 * Secrets must never reach a log, an audit event, a report or an error message (RELIABILITY cases 14, 19).
 * One redactor per process: it knows every secret of the configuration (registered when the platform and its
 * channels are set up) and the shapes of secrets in general (URL credentials, bearer tokens, `password=`).
 * Text from outside (a receiver's answer, a command's output) passes through redact() where it enters, before
 * it is cut to length: a cut secret cannot be recognised any more.
 */

const registered = new Set<string>()
/** Longest first, so a secret that contains another is masked whole. */
let ordered: string[] = []

/** Shorter values are words, not secrets: masking them would garble every message. */
const MIN_SECRET = 4

/**
 * Registers a secret value (a passphrase, a token, a routing key) so that it is masked wherever it appears,
 * also as a receiver may echo it: percent-encoded or inside a JSON string.
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET) return
  const json = JSON.stringify(value).slice(1, -1)
  for (const form of [value, encodeURIComponent(value), json, json.replace(/\//g, '\\/')]) registered.add(form)
  ordered = [...registered].sort((a, b) => b.length - a.length)
}

/**
 * Registers the secret parts of an endpoint: the password in its userinfo (and the Basic credentials an HTTP
 * client makes of it), query values that look like credentials, and, for a URL that is itself the credential
 * (a Slack incoming webhook), its path after the first segment and each token-like segment. The host and the
 * plain words of the path stay readable: "POST /services/*** failed".
 */
export function registerEndpoint(url: string, opts: { pathIsSecret?: boolean } = {}): void {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    registerSecret(url)
    return
  }
  if (u.password) {
    const user = decodeURIComponent(u.username)
    const password = decodeURIComponent(u.password)
    registerSecret(password)
    registerSecret(u.password)
    registerSecret(Buffer.from(`${user}:${password}`).toString('base64'))
  }
  for (const [key, value] of u.searchParams) if (SECRET_NAME.test(key) || looksLikeToken(value)) registerSecret(value)
  if (!opts.pathIsSecret) return
  registerSecret(url)
  const segments = u.pathname.split('/').filter(Boolean)
  for (const part of [segments.slice(1).join('/'), ...segments]) if (looksLikeToken(part)) registerSecret(part)
}

const SECRET_NAME = /password|passphrase|secret|token|api[_-]?key|key|auth|sig|code/i

/** Random-looking: long, or letters mixed with digits. A word of the path or of a sentence is neither. */
function looksLikeToken(s: string): boolean {
  return s.length >= 20 || (s.length >= 6 && /\d/.test(s) && /[a-z]/i.test(s))
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(?::[^\s/@]*)?@/gi
const BEARER = /\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi
const KEY_VALUE =
  /\b([A-Za-z0-9_]*(?:password|passphrase|secret|token|api[_-]?key|authorization)[A-Za-z0-9_]*)(["']?\s*[:=]\s*["']?)([^\s"',}]+)/gi

/**
 * `password=x`, `"token": "x"`: always a value. `passphrase: set LASTGOOD_PASSWORD` is a sentence: after a bare
 * colon, a plain word or a variable's name is left as written (a configured secret is masked all the same).
 */
function maskValue(match: string, key: string, sep: string, value: string): string {
  const assignment = sep.includes('=') || /["']/.test(sep)
  if (!assignment && (/^[a-z]{1,15}[.,;:!?]?$/i.test(value) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value))) return match
  return `${key}${sep}***`
}

export function redact(text: string): string {
  let out = text
  for (const secret of ordered) out = out.split(secret).join('***')
  return out.replace(URL_CREDENTIALS, '$1***@').replace(BEARER, '$1 ***').replace(KEY_VALUE, maskValue)
}

/** Redacts every string inside a JSON-like value, for events and reports. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return (value as unknown[]).map((v) => redactDeep(v)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v)
    return out as T
  }
  return value
}
