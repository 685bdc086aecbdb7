import { describe, expect, it } from 'vitest'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { triggersBase } from './bad-configs.js'

const base = triggersBase

const parse = (text: string) => parseConfigText(text, '/etc/lastgood/lastgood.yaml', {})

describe('triggers in the configuration', () => {
  it("resolve with the seeds' units: fractions, milliseconds, the health failures as default", () => {
    const [staff] = parse(base('')).apps
    expect(staff!.triggers).toEqual([
      {
        name: 'availability',
        kind: 'availability',
        action: 'alert',
        scenario: 'error_rate',
        forMs: 300_000,
        windowMs: 60_000,
        source: 'probes',
        below: 0.99,
      },
      {
        name: 'error-burst',
        kind: 'error_rate',
        action: 'rollback',
        scenario: 'error_rate',
        forMs: 0,
        windowMs: 60_000,
        source: 'probes',
        above: 0.05,
        overRequests: 100,
      },
      { name: 'health', kind: 'health_failures', action: 'rollback', scenario: 'error_rate', forMs: 0, consecutive: 3 },
      {
        name: 'latency',
        kind: 'latency',
        action: 'rollback',
        scenario: 'error_rate',
        forMs: 600_000,
        windowMs: 60_000,
        source: 'probes',
        percentile: 95,
        aboveMs: 2000,
      },
    ])
  })

  it('an app replaces a default by name and removes one with kind: off', () => {
    const [staff] = parse(
      base(
        '',
        '    triggers:\n      latency: { kind: latency, percentile: 99, above: 5s, for: 1m, action: escalate }\n      availability: { kind: off }',
      ),
    ).apps
    expect(staff!.triggers.map((t) => t.name)).toEqual(['error-burst', 'health', 'latency'])
    expect(staff!.triggers.find((t) => t.name === 'latency')).toMatchObject({
      percentile: 99,
      aboveMs: 5000,
      forMs: 60_000,
      action: 'escalate',
    })
  })

  it('monitor policy and objectives default to the seeds', () => {
    const c = parse(base(''))
    expect(c.monitor).toEqual({ cooldownMs: 900_000, onRestoredFailure: 'escalate', maxAutomaticRollbacks: 2, watchForMs: 600_000 })
    expect(c.objectives).toEqual({ rtoMs: 900_000, rpoMs: 300_000 })
    expect(c.prometheus).toBeUndefined()
  })

  it('reads Prometheus settings and an app selector', () => {
    const c = parse(
      base(
        'prometheus:\n  url: http://127.0.0.1:9090',
        '    prometheus: { selector: \'service="staff-api"\' }\n    triggers:\n      up: { kind: promql, query: \'up{job="staff"} == 0\', for: 1m, action: escalate }',
      ),
    )
    expect(c.prometheus).toEqual({
      url: 'http://127.0.0.1:9090',
      timeoutMs: 5000,
      requestsMetric: 'http_requests_total',
      durationMetric: 'http_request_duration_seconds',
      errorStatus: '5..',
    })
    expect(c.apps[0]!.prometheusSelector).toBe('service="staff-api"')
    expect(c.apps[0]!.triggers.find((t) => t.name === 'up')).toEqual({
      name: 'up',
      kind: 'promql',
      action: 'escalate',
      scenario: 'error_rate',
      forMs: 60_000,
      query: 'up{job="staff"} == 0',
    })
  })
})
