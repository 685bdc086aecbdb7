import type { ResolvedChannel, ResolvedConfig } from '../config/types.js'

/**
 * Channels whose endpoint is still a placeholder, such as the example's defaults for unset variables
 * (`https://hooks.slack.com/services/T000/B000/XXXX`, `smtp.clinic.example`, `set-PAGERDUTY_ROUTING_KEY`):
 * valid configuration, but nobody hears what is sent there. One line per channel, naming the field and, for a
 * host, the host; never the rest of a URL or a key, which would be the secret once it is real.
 */
export function placeholderChannels(config: ResolvedConfig): { target: string; message: string }[] {
  const out: { target: string; message: string }[] = []
  for (const channel of config.notifications.channels) {
    const fields = placeholderFields(channel)
    if (fields.length === 0) continue
    out.push({
      target: `notifications.channels.${channel.name}`,
      message: `${channel.type} channel ${channel.name}: ${fields.join('; ')} ${fields.length > 1 ? 'are placeholders' : 'is a placeholder'}; notifications to it will not reach anyone until it is set`,
    })
  }
  return out
}

function placeholderFields(c: ResolvedChannel): string[] {
  switch (c.type) {
    case 'slack':
      return urlProblem('webhook_url', c.webhookUrl)
    case 'webhook':
      return [...urlProblem('url', c.url), ...(isPlaceholderText(c.secret) ? ['secret'] : [])]
    case 'pagerduty':
      return [...(isPlaceholderText(c.routingKey) ? ['routing_key'] : []), ...urlProblem('url', c.url)]
    case 'email':
      return [
        ...(isReservedHost(c.smtp.host) ? [`smtp.host (${c.smtp.host})`] : []),
        ...(c.to.some((to) => isReservedHost(to.split('@').at(-1) ?? '')) ? ['to'] : []),
        ...(c.smtp.password !== undefined && isPlaceholderText(c.smtp.password) ? ['smtp.password'] : []),
      ]
  }
}

function urlProblem(field: string, url: string): string[] {
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
function isReservedHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  return /(^|\.)(example|invalid|test)$/.test(h) || /(^|\.)example\.(com|net|org)$/.test(h)
}

/** `set-PAGERDUTY_ROUTING_KEY`, `changeme`, `XXXX`: text that says it is to be replaced. */
function isPlaceholderText(value: string): boolean {
  return /^set-[A-Z]/.test(value) || /^(change-?me|todo|placeholder|x{3,})$/i.test(value)
}
