import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/config-error.js'
import { loadConfig } from '../../src/config/load-config.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { SCENARIOS } from '../../src/config-parts/decision-vocabulary.js'
import { SEED_MATRIX } from '../../src/decisions/decide.js'
import { loadError, MINIMAL, writeConfig } from './temp-config.js'

const parse = (text: string) => parseConfigText(text, '/etc/lastgood/lastgood.yaml', {})

/** The seeds' table as lastgood.yaml rows, one per line, so a test can drop or change one. */
const SEED_ROWS: Record<string, string> = {
  error_rate: '{ rollback: automatic, target: 2m, approval: none }',
  performance_degradation: '{ rollback: manual, target: 5m, approval: required }',
  security_incident: '{ rollback: emergency, target: 1m, approval: required }',
  data_corruption: '{ rollback: emergency, target: 30s, approval: required }',
  partial_functionality_loss: '{ rollback: manual, target: 10m, approval: required }',
  emergency: '{ rollback: emergency, target: rto, approval: none, flagged: true }',
}

const matrix = (rows: Record<string, string | undefined> = {}) =>
  'decision_matrix:\n' +
  Object.entries({ ...SEED_ROWS, ...rows })
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([s, r]) => `  ${s}: ${r}\n`)
    .join('')

const withTop = (top: string) => MINIMAL.replace('apps:\n', `${top}apps:\n`)

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples')

describe('environment, decision matrix and approvals in the configuration', () => {
  it('default to production, no matrix, requests valid 15 minutes, one approver, triggers in error_rate', () => {
    const c = parse(MINIMAL)
    expect(c.environment).toBe('production')
    expect(c.decisionMatrix).toBeUndefined()
    expect(c.approvals).toEqual({ expireAfterMs: 900_000 })
    expect(c.apps[0]!.approvals).toBe(1)
    expect(c.apps[0]!.triggers.map((t) => [t.name, t.scenario])).toEqual([['health', 'error_rate']])
  })

  it('resolve rows in milliseconds, `rto` as objectives.rto, environments and flags, and the app-level two-person rule', () => {
    const c = parse(
      withTop(
        `environment: staging\nobjectives: { rto: 20m }\napprovals: { expire_after: 30m }\n` +
          matrix({ performance_degradation: '{ rollback: manual, target: 5m, approval: required, environments: [production] }' }),
      ).replace('    priority: 1\n', '    priority: 1\n    approvals: 2\n'),
    )
    expect(c.environment).toBe('staging')
    expect(c.approvals).toEqual({ expireAfterMs: 1_800_000 })
    expect(c.apps[0]!.approvals).toBe(2)
    expect(c.decisionMatrix!.performance_degradation).toEqual({
      scenario: 'performance_degradation',
      rollback: 'manual',
      targetMs: 300_000,
      approval: 'required',
      environments: ['production'],
      flagged: false,
    })
    expect(c.decisionMatrix!.emergency).toEqual({
      scenario: 'emergency',
      rollback: 'emergency',
      targetMs: 1_200_000,
      approval: 'none',
      flagged: true,
    })
  })

  it('a trigger takes its scenario from `scenario:`', () => {
    const c = parse(
      withTop(
        matrix() +
          'defaults:\n  triggers:\n    slow: { kind: latency, above: 2s, for: 10m, scenario: performance_degradation }\n' +
          '    errors: { kind: error_rate, above: 5%, over_requests: 100 }\n',
      ),
    )
    expect(Object.fromEntries(c.apps[0]!.triggers.map((t) => [t.name, t.scenario]))).toEqual({
      errors: 'error_rate',
      health: 'error_rate',
      slow: 'performance_degradation',
    })
  })

  it.each([
    ['environment', 'environment: prod\n', /environment: expected an environment, one of production, staging, development, got "prod"/],
    [
      'decision_matrix.error_rate.rollback',
      matrix({ error_rate: '{ rollback: quick, target: 2m, approval: none }' }),
      /decision_matrix\.error_rate\.rollback: expected a rollback type, one of automatic, manual, emergency, got "quick"/,
    ],
    [
      'decision_matrix.error_rate.target',
      matrix({ error_rate: '{ rollback: automatic, target: soon, approval: none }' }),
      /decision_matrix\.error_rate\.target: expected a duration such as 2m, or rto \(objectives\.rto\), got "soon"/,
    ],
    [
      'decision_matrix.error_rate.target',
      matrix({ error_rate: '{ rollback: automatic, target: 0s, approval: none }' }),
      /decision_matrix\.error_rate\.target: expected a duration greater than 0/,
    ],
    [
      'decision_matrix.error_rate.approval',
      matrix({ error_rate: '{ rollback: automatic, target: 2m, approval: maybe }' }),
      /decision_matrix\.error_rate\.approval: expected none or required, got "maybe"/,
    ],
    [
      'decision_matrix.error_rate.approval',
      matrix({ error_rate: '{ rollback: automatic, target: 2m, approval: required }' }),
      /decision_matrix\.error_rate\.approval: expected none for an automatic rollback/,
    ],
    [
      'decision_matrix.emergency.environments[0]',
      matrix({ emergency: '{ rollback: emergency, target: rto, approval: none, environments: [prod] }' }),
      /decision_matrix\.emergency\.environments\[0\]: expected an environment, one of production, staging, development, got "prod"/,
    ],
    [
      'decision_matrix.emergency.environments',
      matrix({ emergency: '{ rollback: emergency, target: rto, approval: none, environments: [] }' }),
      /decision_matrix\.emergency\.environments: expected at least one environment/,
    ],
    [
      'decision_matrix.emergency.who',
      matrix({ emergency: '{ rollback: emergency, target: rto, approval: none, who: dba }' }),
      /decision_matrix\.emergency\.who: unknown key/,
    ],
    [
      'decision_matrix.data_corruptoin',
      matrix({ data_corruptoin: SEED_ROWS.data_corruption }),
      /decision_matrix\.data_corruptoin: unknown scenario "data_corruptoin", did you mean "data_corruption"\?/,
    ],
    [
      'decision_matrix',
      matrix({ security_incident: undefined, emergency: undefined }),
      /decision_matrix: expected a row for every scenario, missing: security_incident, emergency/,
    ],
    [
      'approvals.expire_after',
      'approvals: { expire_after: forever }\n',
      /approvals\.expire_after: expected a duration such as 30s, got "forever"/,
    ],
    [
      'defaults.triggers.down.scenario',
      'defaults:\n  triggers:\n    down: { kind: health_failures, scenario: outage }\n',
      /defaults\.triggers\.down\.scenario: expected a scenario, one of error_rate, .*, got "outage"/,
    ],
  ])('refuses a bad %s, naming it and what was wrong', async (_, top, message) => {
    expect(await loadError(withTop(top))).toMatch(message)
  })

  it('refuses an app approvals other than 1 or 2, naming the app', async () => {
    expect(await loadError(MINIMAL.replace('    priority: 1\n', '    priority: 1\n    approvals: 3\n'))).toMatch(
      /apps\.staff\.approvals: expected 1 or 2 \(approvers; 2 is the two-person rule\), got 3/,
    )
  })

  it('a refused configuration is a ConfigError: exit 2', async () => {
    const file = await writeConfig(withTop(matrix({ emergency: undefined })))
    const err = await loadConfig(file, {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).exitCode).toBe(2)
  })

  it.each(['clinic', 'capistrano'])("examples/%s carries the seeds' table", async (example) => {
    const c = await loadConfig(path.join(EXAMPLES, example, 'lastgood.yaml'), {})
    expect(c.environment).toBe('production')
    expect(c.approvals).toEqual({ expireAfterMs: 900_000 })
    for (const scenario of SCENARIOS) {
      const seed = SEED_MATRIX[scenario]
      expect(c.decisionMatrix![scenario]).toEqual({
        scenario,
        rollback: seed.rollback,
        targetMs: seed.target === 'rto' ? c.objectives.rtoMs : seed.target,
        approval: seed.approval ? 'required' : 'none',
        flagged: seed.flagged,
      })
    }
  })

  it('examples/minimal has no matrix: the first hour needs no approver', async () => {
    const c = await loadConfig(path.join(EXAMPLES, 'minimal', 'lastgood.yaml'), {})
    expect(c.decisionMatrix).toBeUndefined()
  })
})
