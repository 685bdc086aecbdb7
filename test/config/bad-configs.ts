import { MINIMAL } from './temp-config.js'

/**
 * The bad configurations of the config tests, in one list: lastgood must refuse each with its message
 * (config-errors, triggers-config and recovery-config tests), and the generated JSON Schema must reject
 * each one it can express (json-schema test). `beyondSchema` says why a JSON Schema cannot: a rule across
 * fields or a name that must point at another part of the file.
 */
export interface BadConfig {
  name: string
  text: string
  /** What lastgood says: the whole message (file lastgood.yaml), or a pattern found in it. */
  error: string | RegExp
  beyondSchema?: string
}

/** MINIMAL with one piece replaced. */
export function edit(from: string, to: string): string {
  if (!MINIMAL.includes(from)) throw new Error(`MINIMAL has no ${JSON.stringify(from)}`)
  return MINIMAL.replace(from, to)
}

/** One app with the seeds' default triggers; `extra` at the top level, `app` inside the app staff. */
export const triggersBase = (extra: string, app = '') => `platform: lab
defaults:
  health: { interval: 30s, failures: 3 }
  triggers:
    health: { kind: health_failures }
    error-burst: { kind: error_rate, above: 5%, over_requests: 100 }
    latency: { kind: latency, above: 2000ms, for: 10m }
    availability: { kind: availability, below: 99%, for: 5m, action: alert }
${extra}
apps:
  staff:
    priority: 1
    components:
      release: { provider: local-release, path: /srv/staff }
${app}
`

/** Two apps, one with a data component; `extra` at the top level. */
export const recoveryBase = (extra: string) => `platform: lab
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

export const CHANNELS = `notifications:
  channels:
    it-team: { type: slack, webhook_url: 'https://hooks.slack.example/services/T/B/X' }
    on-call: { type: pagerduty, routing_key: abc123 }
    management: { type: email, from: lastgood@clinic.example, to: [boss@clinic.example], smtp: { host: smtp.clinic.example, user: lg, password: pw } }
    security: { type: webhook, url: 'https://soc.example/hook', secret: 0123456789abcdef }
  incidents: [it-team]
`

const CROSS_FIELD = 'a rule across fields'
const REFERENCE = 'a name that must point at a configured channel or app'
const withChannels = (extra: string) => recoveryBase(`${CHANNELS}${extra}`)
const trigger = (t: string) => triggersBase('', `    triggers:\n      e: ${t}`)

export const BAD_CONFIGS: BadConfig[] = [
  // config-errors: the whole message, with its line and column.
  {
    name: 'bad duration',
    text: edit('    health:\n', '    health:\n      interval: thirty\n'),
    error: 'lastgood.yaml:7:17: apps.staff.health.interval: expected a duration such as 30s, got "thirty"',
  },
  {
    name: 'a number where a duration is expected',
    text: edit('    health:\n', '    health:\n      timeout: 30\n'),
    error: 'lastgood.yaml:7:16: apps.staff.health.timeout: expected a duration such as 30s, got 30',
  },
  {
    name: 'zero timeout',
    text: edit('url: http://127.0.0.1:4101/health', 'url: http://127.0.0.1:4101/health\n          timeout: 0s'),
    error: 'lastgood.yaml:10:20: apps.staff.health.checks[0].timeout: expected a duration greater than 0 such as 30s, got "0s"',
    beyondSchema: 'a duration above zero (the schema has the shape of a duration, not its value)',
  },
  {
    name: 'unknown key, with a hint',
    text: edit('    health:\n', '    helth: {}\n    health:\n'),
    error: 'lastgood.yaml:6:5: apps.staff.helth: unknown key, did you mean "health"?',
  },
  {
    name: 'unknown top-level key, with a hint',
    text: edit('version: 1\n', 'version: 1\nstate-dir: x\n'),
    error: 'lastgood.yaml:2:1: state-dir: unknown key, did you mean "state_dir"?',
  },
  {
    name: 'unknown component key, with a hint',
    text: edit('        path: ./apps/staff\n', '        path: ./apps/staff\n        releasesDir: builds\n'),
    error: 'lastgood.yaml:14:9: apps.staff.components.release.releasesDir: unknown key, did you mean "releases_dir"?',
  },
  {
    name: 'unknown key with nothing close lists the keys there are',
    text: edit('    priority: 1\n', '    priority: 1\n    colour: blue\n'),
    error:
      'lastgood.yaml:6:5: apps.staff.colour: unknown key, expected one of: description, priority, health, components, retention, rollback, approvals, triggers, prometheus',
  },
  {
    name: 'unknown provider',
    text: edit('provider: local-release', 'provider: docker'),
    error: 'lastgood.yaml:12:19: apps.staff.components.release.provider: expected a provider, one of local-release, command, got "docker"',
  },
  {
    name: 'missing platform',
    text: edit('platform: clinic\n', ''),
    error: 'lastgood.yaml:1:1: platform: missing; expected a name of lowercase letters, digits and dashes such as clinic',
  },
  {
    name: 'missing priority',
    text: edit('    priority: 1\n', ''),
    error: 'lastgood.yaml:4:3: apps.staff.priority: missing; expected an integer >= 1',
  },
  {
    name: 'missing path',
    text: edit('        path: ./apps/staff\n', ''),
    error: 'lastgood.yaml:11:7: apps.staff.components.release.path: missing; expected a directory path such as ./apps/staff',
  },
  {
    name: 'missing provider',
    text: edit('        provider: local-release\n', ''),
    error: 'lastgood.yaml:11:7: apps.staff.components.release.provider: missing; expected a provider, one of local-release, command',
  },
  {
    name: 'priority 0',
    text: edit('priority: 1', 'priority: 0'),
    error: 'lastgood.yaml:5:15: apps.staff.priority: expected an integer >= 1, got 0',
  },
  {
    name: 'priority 1.5',
    text: edit('priority: 1', 'priority: 1.5'),
    error: 'lastgood.yaml:5:15: apps.staff.priority: expected an integer >= 1, got 1.5',
  },
  {
    name: 'priority first',
    text: edit('priority: 1', 'priority: first'),
    error: 'lastgood.yaml:5:15: apps.staff.priority: expected an integer >= 1, got "first"',
  },
  {
    name: 'bad app name',
    text: edit('  staff:\n', '  Staff:\n'),
    error: 'lastgood.yaml:4:3: apps.Staff: expected a name of lowercase letters, digits and dashes such as staff, got "Staff"',
  },
  { name: 'no apps', text: 'platform: clinic\napps: {}\n', error: 'lastgood.yaml:2:7: apps: expected at least one app, got none' },
  {
    name: 'no components',
    text: edit(MINIMAL.slice(MINIMAL.indexOf('    components:')), '    components: {}\n'),
    error: 'lastgood.yaml:10:17: apps.staff.components: expected at least one component, got none',
  },
  {
    name: 'no checks',
    text: edit(MINIMAL.slice(MINIMAL.indexOf('      checks:'), MINIMAL.indexOf('    components:')), '      checks: []\n'),
    error: 'lastgood.yaml:7:15: apps.staff.health.checks: expected at least one health check, got none',
  },
  {
    name: 'an ftp URL',
    text: edit('url: http://127.0.0.1:4101/health', 'url: ftp://127.0.0.1/health'),
    error:
      'lastgood.yaml:9:16: apps.staff.health.checks[0].url: expected an http(s) URL such as http://127.0.0.1:4101/health, got "ftp://127.0.0.1/health"',
  },
  {
    name: 'a status out of 100–599',
    text: edit('url: http://127.0.0.1:4101/health', 'url: http://127.0.0.1:4101/health\n          expect_status: [200, 700]'),
    error: 'lastgood.yaml:10:32: apps.staff.health.checks[0].expect_status[1]: expected an integer from 100 to 599, got 700',
  },
  {
    name: 'two checks of one name',
    text: edit('        - name: api\n', '        - name: api\n          url: http://127.0.0.1:4102/health\n        - name: api\n'),
    error: 'lastgood.yaml:10:17: apps.staff.health.checks[1].name: expected a unique check name, got "api" again (also checks[0])',
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "an app's validation window shorter than passes × interval",
    text: edit('    priority: 1\n', '    priority: 1\n    rollback:\n      validation:\n        passes: 100\n'),
    error:
      'lastgood.yaml:8:9: apps.staff.rollback.validation: expected a window of at least passes × interval = 100 × 2s = 3m20s, got window 2m',
    beyondSchema: CROSS_FIELD,
  },
  {
    name: 'a default validation window shorter than passes × interval',
    text: `${MINIMAL}defaults:\n  rollback:\n    validation: { window: 5s, interval: 2s }\n`,
    error:
      'lastgood.yaml:16:17: defaults.rollback.validation: expected a window of at least passes × interval = 3 × 2s = 6s, got window 5s',
    beyondSchema: CROSS_FIELD,
  },
  {
    name: 'a bad duration under defaults.rollback.validation (once a crash, exit 1)',
    text: `${MINIMAL}defaults:\n  rollback:\n    validation: { window: 1e3s, interval: 2s }\n`,
    error: 'lastgood.yaml:16:27: defaults.rollback.validation.window: expected a duration such as 30s, got "1e3s"',
  },
  {
    name: 'an escalation level whose time is not a duration (one message, not a comparison with it)',
    text: `${MINIMAL}escalation:\n  levels:\n    - after: soon\n    - after: 30m\n`,
    error: 'lastgood.yaml:16:14: escalation.levels[0].after: expected a duration such as 30s, got "soon"',
  },

  // triggers-config
  {
    name: 'error_rate with neither over_requests nor for',
    text: trigger('{ kind: error_rate, above: 5% }'),
    error: /apps\.staff\.triggers\.e\.over_requests: expected exactly one of over_requests .* or for .*, got neither/,
    beyondSchema: CROSS_FIELD,
  },
  {
    name: 'error_rate with both over_requests and for',
    text: trigger('{ kind: error_rate, above: 5%, over_requests: 100, for: 5m }'),
    error: /got both/,
    beyondSchema: CROSS_FIELD,
  },
  {
    name: 'an unknown trigger kind',
    text: trigger('{ kind: errors, above: 5% }'),
    error: /expected a trigger kind, one of health_failures, error_rate, latency, availability, promql, off/,
  },
  { name: 'percentile 100', text: trigger('{ kind: latency, above: 2s, percentile: 100 }'), error: /percentile above 0 and below 100/ },
  { name: 'a percentage without %', text: trigger('{ kind: availability, below: 99 }'), error: /expected a percentage such as 5%/ },
  {
    name: 'an unknown action',
    text: trigger('{ kind: health_failures, action: page }'),
    error: /expected an action, one of rollback, alert, escalate/,
  },
  {
    name: 'promql without prometheus',
    text: trigger('{ kind: promql, query: up == 0 }'),
    error: /apps\.staff\.triggers\.e: expected a top-level prometheus: \{ url: … \} for a promql trigger, got none/,
    beyondSchema: CROSS_FIELD,
  },
  {
    name: 'source prometheus without prometheus',
    text: trigger('{ kind: latency, above: 2s, source: prometheus }'),
    error: /trigger with source: prometheus/,
    beyondSchema: CROSS_FIELD,
  },

  // recovery-config
  {
    name: 'a level notifying a channel that does not exist',
    text: withChannels('escalation:\n  levels:\n    - { after: 0m, notify: [it-tem] }'),
    error: /escalation\.levels\[0\]\.notify\[0\]: expected the name of a channel \(did you mean "it-team"\?\), got "it-tem"/,
    beyondSchema: REFERENCE,
  },
  {
    name: 'a plan naming an app that does not exist',
    text: withChannels('continuity:\n  c: { function: F, apps: [kiosk], fallback: paper, max_downtime: 5m }'),
    error: /continuity\.c\.apps\[0\]: expected the name of an app .*got "kiosk"/,
    beyondSchema: REFERENCE,
  },
  {
    name: 'a runbook notifying a channel that does not exist',
    text: withChannels('runbooks:\n  general_emergency:\n    - { step: notify, channels: [pager] }'),
    error: /runbooks\.general_emergency\[0\]\.channels\[0\]: expected the name of a channel/,
    beyondSchema: REFERENCE,
  },
  {
    name: 'incidents to a channel when none is configured',
    text: recoveryBase('notifications:\n  incidents: [ops]'),
    error: /notifications\.incidents\[0\]: expected the name of a channel, but none is configured, got "ops"/,
    beyondSchema: REFERENCE,
  },
  {
    name: 'a change before preserve_evidence',
    text: withChannels('runbooks:\n  security_incident:\n    - { step: isolate, run: x }\n    - { step: preserve_evidence }'),
    error: /runbooks\.security_incident\[0\]\.step: expected preserve_evidence before isolate: evidence is kept before anything is changed/,
    beyondSchema: CROSS_FIELD,
  },
  {
    name: 'escalation levels out of time order',
    text: withChannels('escalation:\n  levels:\n    - { after: 0m }\n    - { after: 30m }\n    - { after: 15m }'),
    error: /escalation\.levels\[2\]\.after: expected a time later than level 2's/,
    beyondSchema: CROSS_FIELD,
  },
  {
    name: 'a first level after 0s',
    text: withChannels('escalation:\n  levels:\n    - { after: 5m }'),
    error: /escalation\.levels\[0\]\.after: expected 0s for the first level/,
    beyondSchema: 'a duration of exactly zero (the schema has the shape of a duration, not its value)',
  },
  {
    name: 'an unknown placeholder',
    text: recoveryBase('notifications:\n  templates:\n    rollback_complete: "done {{versoin}}"'),
    error: /notifications\.templates\.rollback_complete: expected placeholders from .*, got \{\{versoin\}\}/,
    beyondSchema: 'the placeholders inside a template',
  },
  {
    name: 'an unknown incident type',
    text: withChannels('runbooks:\n  outage: []'),
    error: /runbooks\.outage: unknown incident type "outage"; expected one of complete_system_failure, data_breach_suspected/,
  },
  {
    name: 'an unknown runbook step',
    text: withChannels('runbooks:\n  data_corruption:\n    - { step: wipe }'),
    error:
      /expected a runbook step, one of preserve_evidence, isolate, stop_writes, command, notify, breach_assessment, rollback, restore_data, recover/,
  },
  {
    name: 'an unknown template',
    text: recoveryBase('notifications:\n  templates:\n    rollback_completed: done'),
    error: /unknown template "rollback_completed", did you mean "rollback_complete"\?/,
  },
  {
    name: 'an unknown channel type',
    text: recoveryBase('notifications:\n  channels:\n    x: { type: sms, to: 1 }'),
    error: /expected a channel type, one of slack, pagerduty, email, webhook/,
  },
  {
    name: 'a short webhook secret',
    text: recoveryBase('notifications:\n  channels:\n    x: { type: webhook, url: "https://a.example", secret: short }'),
    error: /expected a shared secret of at least 16 characters/,
  },
]
