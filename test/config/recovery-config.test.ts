import { describe, expect, it } from 'vitest'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { CHANNELS, recoveryBase } from './bad-configs.js'
import { loadError } from './temp-config.js'

const base = recoveryBase

const parse = (text: string) => parseConfigText(text, '/etc/lastgood/lastgood.yaml', {})

describe('disaster-recovery configuration', () => {
  it('defaults to the seeds: escalation at 0, 15 and 30 minutes, status updates every 10 minutes, no channels', () => {
    const c = parse(base(''))
    expect(c.escalation).toEqual([
      { level: 1, afterMs: 0, notify: [], activateContinuity: false, actions: [] },
      { level: 2, afterMs: 900_000, notify: [], activateContinuity: false, actions: [] },
      { level: 3, afterMs: 1_800_000, notify: [], activateContinuity: true, actions: [] },
    ])
    expect(c.notifications).toMatchObject({
      channels: [],
      incidents: [],
      timeoutMs: 10_000,
      statusUpdateMs: 600_000,
      retry: { attempts: 6, backoffMs: 2000, maxBackoffMs: 300_000 },
      templates: {},
    })
    expect(c.continuity).toEqual([])
    expect(c.runbooks).toEqual({})
  })

  it('resolves every channel type, continuity plans and runbooks, with paths made absolute', () => {
    const c = parse(
      base(`${CHANNELS}
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
`),
    )
    expect(c.notifications.channels).toEqual([
      { name: 'it-team', type: 'slack', webhookUrl: 'https://hooks.slack.example/services/T/B/X' },
      { name: 'on-call', type: 'pagerduty', routingKey: 'abc123', url: 'https://events.pagerduty.com/v2/enqueue' },
      {
        name: 'management',
        type: 'email',
        from: 'lastgood@clinic.example',
        to: ['boss@clinic.example'],
        smtp: { host: 'smtp.clinic.example', port: 587, secure: false, requireTls: false, user: 'lg', password: 'pw' },
      },
      { name: 'security', type: 'webhook', url: 'https://soc.example/hook', secret: '0123456789abcdef' },
    ])
    expect(c.escalation.map((l) => [l.level, l.afterMs, l.notify])).toEqual([
      [1, 0, ['it-team', 'on-call']],
      [2, 900_000, ['management']],
    ])
    expect(c.continuity).toEqual([
      {
        name: 'patient-check-in',
        function: 'Patient Check-in',
        apps: ['staff'],
        fallback: 'Paper-based check-in forms',
        maxDowntimeMs: 900_000,
        notify: ['it-team'],
      },
    ])
    expect(c.runbooks.security_incident).toEqual([
      { kind: 'preserve_evidence', logs: ['/etc/lastgood/logs/access.log'], onFailure: 'stop' },
      { kind: 'hook', name: 'isolate', run: './maintenance on', timeoutMs: 120_000, onFailure: 'stop' },
      { kind: 'notify', channels: ['security'], onFailure: 'continue' },
      { kind: 'rollback', onFailure: 'stop' },
    ])
    expect(c.runbooks.data_corruption?.[0]).toEqual({
      kind: 'hook',
      name: 'stop_writes',
      run: './writes off',
      timeoutMs: 30_000,
      onFailure: 'stop',
    })
    expect(c.apps[0]!.components.map((x) => [x.name, x.data ?? false])).toEqual([
      ['release', false],
      ['db', true],
    ])
  })

  it('a notify step may come before preserve_evidence: it changes nothing', () => {
    expect(() =>
      parse(
        base(`${CHANNELS}runbooks:\n  security_incident:\n    - { step: notify, channels: [security] }\n    - { step: preserve_evidence }`),
      ),
    ).not.toThrow()
  })

  it('never shows a secret in an error', async () => {
    const message = await loadError(
      base('notifications:\n  channels:\n    x: { type: email, from: a@b, to: [c@d], smtp: { host: h, password: 12345 } }'),
    )
    expect(message).toMatch(/notifications\.channels\.x\.smtp\.password: expected a password, got \*\*\*/)
    expect(message).not.toContain('12345')
  })
})
