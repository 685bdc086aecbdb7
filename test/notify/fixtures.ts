import { randomUUID } from 'node:crypto'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import type { Message } from '../../src/channels/message.js'
import { DEFAULT_TEMPLATES, renderTemplate } from '../../src/notify/templates.js'

/**
 * A configuration whose `notifications:` block is the given YAML (channels at least), through the real
 * parser, so the tests read the same keys as the README's examples. Short timeout and backoff by default.
 */
export function notifyConfig(channelsYaml: string, opts: NotifyOptions = {}): ResolvedConfig {
  return parseConfigText(notifyConfigText(channelsYaml, opts), CONFIG_FILE, {})
}

type NotifyOptions = { timeout?: string; attempts?: number; backoff?: string; maxBackoff?: string }
export const CONFIG_FILE = '/etc/lastgood/lastgood.yaml'

/** The YAML notifyConfig parses, for a child process that parses it too. */
export function notifyConfigText(channelsYaml: string, opts: NotifyOptions = {}): string {
  const channels = channelsYaml
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
  return `platform: clinic
notifications:
  timeout: ${opts.timeout ?? '2s'}
  retry: { attempts: ${opts.attempts ?? 3}, backoff: ${opts.backoff ?? '50ms'}, max_backoff: ${opts.maxBackoff ?? '1s'} }
  channels:
${channels}
apps:
  staff:
    priority: 1
    components:
      release: { provider: local-release, path: /srv/staff }
`
}

/** A rendered incident message, as enqueueNotifications would store it. */
export function sampleMessage(over: Partial<Message> = {}): Message {
  const vars = {
    platform: 'clinic',
    incident: 'inc-1',
    type: 'critical_application_failure',
    issue: 'staff portal returns 503',
    severity: 'critical',
    scope: 'staff',
    actor: 'alice',
    at: '2026-03-01T10:00:00.000Z',
    level: '1',
    actions: '- rollback staff',
    update_interval: '10m',
  }
  const text = renderTemplate(DEFAULT_TEMPLATES.incident_declared, vars)
  return {
    id: randomUUID(),
    kind: 'incident_declared',
    platform: 'clinic',
    title: text.split('\n', 1)[0]!,
    text,
    severity: 'critical',
    at: vars.at,
    incident: { id: 'inc-1', type: 'critical_application_failure', status: 'declared', level: 1, scope: ['staff'] },
    lifecycle: 'trigger',
    dedupKey: 'lastgood/clinic/inc-1',
    details: vars,
    ...over,
  }
}
