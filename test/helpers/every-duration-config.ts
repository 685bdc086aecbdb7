import { SCENARIOS } from '../../src/config-parts/decision-vocabulary.js'

/**
 * A valid configuration that sets every duration key the schema has, at least once, so a test can put each
 * at its maximum and just above. Validation takes one pass in a window of a year, so its interval may be a
 * year too; the last escalation level is the one a test moves (the first must stay at 0s).
 */
export function everyDurationConfig(): Record<string, unknown> {
  const triggers = () => ({
    'error-rate': { kind: 'error_rate', above: '5%', for: '5m', window: '1m' },
    latency: { kind: 'latency', above: '2s', for: '10m', window: '1m' },
    availability: { kind: 'availability', below: '99%', for: '5m', window: '1m' },
    promql: { kind: 'promql', query: 'up == 0', for: '1m' },
  })
  const validation = () => ({ window: '365d', passes: 1, interval: '2s' })
  return {
    version: 1,
    platform: 'clinic',
    defaults: {
      health: { interval: '30s', timeout: '10s' },
      retention: { keep_within: '30d' },
      rollback: { timeout: '10m', validation: validation() },
      triggers: triggers(),
    },
    monitor: { cooldown: '15m', watch_for: '10m' },
    prometheus: { url: 'http://127.0.0.1:9090', timeout: '5s' },
    objectives: { rto: '15m', rpo: '5m' },
    decision_matrix: Object.fromEntries(SCENARIOS.map((s) => [s, { rollback: 'manual', target: '5m', approval: 'required' }])),
    approvals: { expire_after: '15m' },
    auth: { session: { idle_timeout: '15m', absolute_timeout: '12h' }, lockout: { within: '15m', lock_for: '15m' } },
    notifications: {
      channels: { team: { type: 'webhook', url: 'https://hooks.clinic.example/lastgood', secret: 'a-secret-of-16-chars' } },
      timeout: '10s',
      retry: { backoff: '2s', max_backoff: '5m' },
      status_updates: '10m',
    },
    escalation: { levels: [{ after: '0s' }, { after: '15m', notify: ['team'] }] },
    continuity: { 'check-in': { function: 'Patient Check-in', apps: ['staff'], fallback: 'Paper forms', max_downtime: '30m' } },
    runbooks: {
      general_emergency: [
        { step: 'isolate', run: 'true', timeout: '2m' },
        { step: 'stop_writes', run: 'true', timeout: '2m' },
        { step: 'command', name: 'flush-cache', run: 'true', timeout: '2m' },
      ],
      data_breach_suspected: [{ step: 'breach_assessment', deadline: '60d', remind: ['30d'], escalate_within: '7d' }],
    },
    apps: {
      staff: {
        priority: 1,
        health: { interval: '30s', timeout: '10s', checks: [{ name: 'api', url: 'http://127.0.0.1:4101/health', timeout: '5s' }] },
        components: {
          release: { provider: 'local-release', path: './apps/staff', restart_timeout: '60s', displaced: { keep_within: '7d' } },
          edge: { provider: 'command', current: 'cat version', capture: 'cat state.json', restore: 'cat > state.json', timeout: '5m' },
        },
        retention: { keep_within: '30d' },
        rollback: { timeout: '10m', validation: validation() },
        triggers: triggers(),
      },
    },
  }
}
