import { describe, expect, it } from 'vitest'
import type { ResolvedConfig } from '../../src/config/types.js'
import { type Environment, type ResolvedDecisionRow, type Scenario, SCENARIOS } from '../../src/config-parts/decision-vocabulary.js'
import { INCIDENT_TYPES } from '../../src/config-parts/incident-vocabulary.js'
import { decide, SEED_MATRIX } from '../../src/decisions/decide.js'
import { INCIDENT_SCENARIOS, PERSON_SCENARIO, scenarioOf } from '../../src/decisions/scenario.js'

const RTO = 15 * 60_000

/** The seeds' table as a configured matrix, with `over` replacing rows. */
function seedMatrix(over: Partial<Record<Scenario, Partial<ResolvedDecisionRow>>> = {}): Record<Scenario, ResolvedDecisionRow> {
  return Object.fromEntries(
    SCENARIOS.map((scenario) => {
      const seed = SEED_MATRIX[scenario]
      const row: ResolvedDecisionRow = {
        scenario,
        rollback: seed.rollback,
        targetMs: seed.target === 'rto' ? RTO : seed.target,
        approval: seed.approval ? 'required' : 'none',
        flagged: seed.flagged,
        ...over[scenario],
      }
      return [scenario, row]
    }),
  ) as Record<Scenario, ResolvedDecisionRow>
}

type DecideConfig = Pick<ResolvedConfig, 'decisionMatrix' | 'environment' | 'objectives'>
const config = (environment: Environment = 'production', matrix: DecideConfig['decisionMatrix'] | null = seedMatrix()): DecideConfig => ({
  environment,
  objectives: { rtoMs: RTO, rpoMs: 5 * 60_000 },
  ...(matrix ? { decisionMatrix: matrix } : {}),
})

describe('the scenario of an action', () => {
  it.each([
    ['security_incident', 'security_incident'],
    ['data_breach_suspected', 'security_incident'],
    ['data_corruption', 'data_corruption'],
    ['performance_degradation', 'performance_degradation'],
    ['critical_application_failure', 'partial_functionality_loss'],
    ['complete_system_failure', 'emergency'],
    ['general_emergency', 'emergency'],
  ] as const)('an incident of type %s is %s', (type, scenario) => {
    expect(scenarioOf({ by: 'incident', type })).toBe(scenario)
  })

  it('every incident type has a scenario', () => {
    expect(Object.keys(INCIDENT_SCENARIOS).sort()).toEqual([...INCIDENT_TYPES].sort())
  })

  it("a trigger's is its own; a person's is what they named, else partial_functionality_loss", () => {
    expect(scenarioOf({ by: 'trigger', trigger: { scenario: 'error_rate' } })).toBe('error_rate')
    expect(scenarioOf({ by: 'trigger', trigger: { scenario: 'performance_degradation' } })).toBe('performance_degradation')
    expect(scenarioOf({ by: 'person' })).toBe('partial_functionality_loss')
    expect(PERSON_SCENARIO).toBe('partial_functionality_loss')
    expect(scenarioOf({ by: 'person', scenario: 'security_incident' })).toBe('security_incident')
  })

  it.each([
    { by: 'person' },
    { by: 'person', scenario: 'emergency' },
    { by: 'trigger', trigger: { scenario: 'error_rate' } },
    { by: 'incident', type: 'general_emergency' },
  ] as const)('restoring a data component is data_corruption whatever else was named (%j)', (source) => {
    expect(scenarioOf(source, [{}, { data: true }])).toBe('data_corruption')
    expect(scenarioOf(source, [{}, { data: false }])).not.toBe('data_corruption')
  })
})

describe('decide()', () => {
  it.each([
    ['error_rate', 'automatic', 2 * 60_000, false, false],
    ['performance_degradation', 'manual', 5 * 60_000, true, false],
    ['security_incident', 'emergency', 60_000, true, false],
    ['data_corruption', 'emergency', 30_000, true, false],
    ['partial_functionality_loss', 'manual', 10 * 60_000, true, false],
    ['emergency', 'emergency', RTO, false, true],
  ] as const)(
    "%s under the seeds' matrix: %s, target %d ms, approval %s, flagged %s",
    (scenario, rollback, targetMs, required, flagged) => {
      expect(decide(config(), scenario)).toEqual({
        scenario,
        rollback,
        targetMs,
        approval: { required, permission: `approve:${scenario}`, approvers: 1 },
        flagged,
        basis: 'matrix',
      })
    },
  )

  it('without a matrix nothing needs an approval or is flagged; type and target are the seeds', () => {
    for (const scenario of SCENARIOS) {
      const d = decide(config('production', null), scenario)
      expect(d).toMatchObject({ scenario, rollback: SEED_MATRIX[scenario].rollback, flagged: false, basis: 'no-matrix' })
      expect(d.approval).toEqual({ required: false, permission: `approve:${scenario}`, approvers: 1 })
    }
    expect(decide(config('production', null), 'emergency').targetMs).toBe(RTO)
  })

  it.each([
    ['production', true, 'matrix'],
    ['staging', false, 'environment'],
    ['development', false, 'environment'],
  ] as const)('a row limited to production requires approval in %s: %s', (environment, required, basis) => {
    const matrix = seedMatrix({
      performance_degradation: { environments: ['production'] },
      emergency: { environments: ['production'] },
    })
    const d = decide(config(environment, matrix), 'performance_degradation')
    expect(d.approval.required).toBe(required)
    expect(d.basis).toBe(basis)
    // The row's type and target hold everywhere; only its approval and flag are limited.
    expect(d).toMatchObject({ rollback: 'manual', targetMs: 5 * 60_000 })
    expect(decide(config(environment, matrix), 'emergency').flagged).toBe(required)
    // A row without environments holds in every one.
    expect(decide(config(environment, matrix), 'security_incident').approval.required).toBe(true)
  })

  it('approvers is the largest two-person rule of the apps acted on', () => {
    expect(decide(config(), 'data_corruption', { approvals: 2 }).approval.approvers).toBe(2)
    expect(decide(config(), 'data_corruption', [{ approvals: 1 }, { approvals: 1 }]).approval.approvers).toBe(1)
    expect(decide(config(), 'data_corruption', [{ approvals: 1 }, { approvals: 2 }]).approval.approvers).toBe(2)
    expect(decide(config(), 'data_corruption').approval.approvers).toBe(1)
  })
})
