import { describe, expect, it } from 'vitest'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { loadError } from './temp-config.js'

const base = (extra: string) => `platform: lab
${extra}
apps:
  staff:
    priority: 1
    components:
      release: { provider: local-release, path: /srv/staff }
      db: { provider: command, current: 'echo 1', capture: 'echo {}', restore: 'cat', data: true }
  inventory:
    priority: 2
    components:
      release: { provider: local-release, path: /srv/inventory }
`

const parse = (text: string) => parseConfigText(text, '/etc/lastgood/lastgood.yaml', {})

const CHANNELS = `notifications:
  channels:
    it-team: { type: slack, webhook_url: 'https://hooks.slack.example/services/T/B/X' }
    on-call: { type: pagerduty, routing_key: abc123 }
    management: { type: email, from: lastgood@clinic.example, to: [boss@clinic.example], smtp: { host: smtp.clinic.example, user: lg, password: pw } }
    security: { type: webhook, url: 'https://soc.example/hook', secret: 0123456789abcdef }
  incidents: [it-team]
`

describe('disaster-recovery configuration', () => {
  it('defaults to the seeds: escalation at 0, 15 and 30 minutes, status updates every 10 minutes, no channels', () => {
    const c = parse(base(''))
    expect(c.escalation).toEqual([
      { level: 1, afterMs: 0, notify: [], activateContinuity: false, actions: [] },
      { level: 2, afterMs: 900_000, notify: [], activateContinuity: false, actions: [] },
      { level: 3, afterMs: 1_800_000, notify: [], activateContinuity: true, actions: [] },
    ])
    expect(c.notifications).toMatchObject({ channels: [], incidents: [], timeoutMs: 10_000, statusUpdateMs: 600_000, retry: { attempts: 6, backoffMs: 2000, maxBackoffMs: 300_000 }, templates: {} })
    expect(c.continuity).toEqual([])
    expect(c.runbooks).toEqual({})
  })

  it('resolves every channel type, continuity plans and runbooks, with paths made absolute', () => {
    const c = parse(base(`${CHANNELS}
escalation:
  levels:
    - { after: 0m, notify: [it-team, on-call], actions: [Automatic rollback activation] }
    - { after: 15m, notify: [management] }
continuity:
  patient-check-in: { function: Patient Check-in, apps: [staff], fallback: Paper-based check-in forms, max_downtime: 15m, notify: [it-team] }
runbooks:
  security_incident:
    - { step: preserve_evidence, logs: [logs/access.log] }
    - { step: isolate, run: ./maintenance on }
    - { step: notify, channels: [security] }
    - { step: rollback }
  data_corruption:
    - { step: stop_writes, run: ./writes off, timeout: 30s }
    - { step: restore_data }
`))
    expect(c.notifications.channels).toEqual([
      { name: 'it-team', type: 'slack', webhookUrl: 'https://hooks.slack.example/services/T/B/X' },
      { name: 'on-call', type: 'pagerduty', routingKey: 'abc123', url: 'https://events.pagerduty.com/v2/enqueue' },
      { name: 'management', type: 'email', from: 'lastgood@clinic.example', to: ['boss@clinic.example'], smtp: { host: 'smtp.clinic.example', port: 587, secure: false, requireTls: false, user: 'lg', password: 'pw' } },
      { name: 'security', type: 'webhook', url: 'https://soc.example/hook', secret: '0123456789abcdef' },
    ])
    expect(c.escalation.map((l) => [l.level, l.afterMs, l.notify])).toEqual([[1, 0, ['it-team', 'on-call']], [2, 900_000, ['management']]])
    expect(c.continuity).toEqual([{ name: 'patient-check-in', function: 'Patient Check-in', apps: ['staff'], fallback: 'Paper-based check-in forms', maxDowntimeMs: 900_000, notify: ['it-team'] }])
    expect(c.runbooks.security_incident).toEqual([
      { kind: 'preserve_evidence', logs: ['/etc/lastgood/logs/access.log'], onFailure: 'stop' },
      { kind: 'hook', name: 'isolate', run: './maintenance on', timeoutMs: 120_000, onFailure: 'stop' },
      { kind: 'notify', channels: ['security'], onFailure: 'continue' },
      { kind: 'rollback', onFailure: 'stop' },
    ])
    expect(c.runbooks.data_corruption?.[0]).toEqual({ kind: 'hook', name: 'stop_writes', run: './writes off', timeoutMs: 30_000, onFailure: 'stop' })
    expect(c.apps[0]!.components.map((x) => [x.name, x.data ?? false])).toEqual([['release', false], ['db', true]])
  })

  it('rejects names that point nowhere, with a hint', () => {
    const bad = (extra: string) => () => parse(base(`${CHANNELS}${extra}`))
    expect(bad('escalation:\n  levels:\n    - { after: 0m, notify: [it-tem] }')).toThrow(/escalation\.levels\[0\]\.notify\[0\]: expected the name of a channel \(did you mean "it-team"\?\), got "it-tem"/)
    expect(bad('continuity:\n  c: { function: F, apps: [kiosk], fallback: paper, max_downtime: 5m }')).toThrow(/continuity\.c\.apps\[0\]: expected the name of an app .*got "kiosk"/)
    expect(bad('runbooks:\n  general_emergency:\n    - { step: notify, channels: [pager] }')).toThrow(/runbooks\.general_emergency\[0\]\.channels\[0\]: expected the name of a channel/)
    expect(() => parse(base('notifications:\n  incidents: [ops]'))).toThrow(/notifications\.incidents\[0\]: expected the name of a channel, but none is configured, got "ops"/)
  })

  it('keeps evidence before any change, levels in time order, known placeholders and types', () => {
    const bad = (extra: string) => () => parse(base(`${CHANNELS}${extra}`))
    expect(bad('runbooks:\n  security_incident:\n    - { step: isolate, run: x }\n    - { step: preserve_evidence }')).toThrow(/runbooks\.security_incident\[0\]\.step: expected preserve_evidence before isolate: evidence is kept before anything is changed/)
    expect(bad('runbooks:\n  security_incident:\n    - { step: notify, channels: [security] }\n    - { step: preserve_evidence }')).not.toThrow()
    expect(bad('escalation:\n  levels:\n    - { after: 0m }\n    - { after: 30m }\n    - { after: 15m }')).toThrow(/escalation\.levels\[2\]\.after: expected a time later than level 2's/)
    expect(bad('escalation:\n  levels:\n    - { after: 5m }')).toThrow(/escalation\.levels\[0\]\.after: expected 0s for the first level/)
    const own = (extra: string) => () => parse(base(extra))
    expect(own('notifications:\n  templates:\n    rollback_complete: "done {{versoin}}"')).toThrow(/notifications\.templates\.rollback_complete: expected placeholders from .*, got \{\{versoin\}\}/)
    expect(bad('runbooks:\n  outage: []')).toThrow(/runbooks\.outage: unknown incident type "outage"; expected one of complete_system_failure, data_breach_suspected/)
    expect(bad('runbooks:\n  data_corruption:\n    - { step: wipe }')).toThrow(/expected a runbook step, one of preserve_evidence, isolate, stop_writes, command, notify, rollback, restore_data, recover/)
    expect(own('notifications:\n  templates:\n    rollback_completed: done')).toThrow(/unknown template "rollback_completed", did you mean "rollback_complete"\?/)
    expect(own('notifications:\n  channels:\n    x: { type: sms, to: 1 }')).toThrow(/expected a channel type, one of slack, pagerduty, email, webhook/)
    expect(own('notifications:\n  channels:\n    x: { type: webhook, url: "https://a.example", secret: short }')).toThrow(/expected a shared secret of at least 16 characters/)
  })

  it('never shows a secret in an error', async () => {
    const message = await loadError(base('notifications:\n  channels:\n    x: { type: email, from: a@b, to: [c@d], smtp: { host: h, password: 12345 } }'))
    expect(message).toMatch(/notifications\.channels\.x\.smtp\.password: expected a password, got \*\*\*/)
    expect(message).not.toContain('12345')
  })
})
