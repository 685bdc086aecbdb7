/**
 * Recognising values still left at a placeholder, such as the example's defaults for unset variables
 * (`https://hooks.slack.com/services/T000/B000/XXXX`, `smtp.clinic.example`, `set-PAGERDUTY_ROUTING_KEY`):
 * valid configuration, but nobody hears what is sent there. Each channel names its own such fields.
 */

/** `field (host …)` when a URL's host is reserved or its path is filler; nothing for a real-looking URL. */
export function urlProblem(field: string, url: string): string[] {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return []
  }
  if (isReservedHost(parsed.hostname)) return [`${field} (host ${parsed.hostname})`]
  // Slack's own documentation writes T00000000/B00000000/XXXXXXXX: segments of one repeated character.
  const filler = parsed.pathname.split('/').filter((s) => /^[TB]?0+$|^(.)\1{2,}$/i.test(s))
  return filler.length > 0 ? [`${field} (host ${parsed.hostname}, a path of filler such as ${filler[0]})`] : []
}

/** Names reserved for documentation and tests (RFC 2606, RFC 6761): they never reach a real receiver. */
export function isReservedHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  return /(^|\.)(example|invalid|test)$/.test(h) || /(^|\.)example\.(com|net|org)$/.test(h)
}

/** `set-PAGERDUTY_ROUTING_KEY`, `changeme`, `XXXX`: text that says it is to be replaced. */
export function isPlaceholderText(value: string): boolean {
  return /^set-[A-Z]/.test(value) || /^(change-?me|todo|placeholder|x{3,})$/i.test(value)
}
