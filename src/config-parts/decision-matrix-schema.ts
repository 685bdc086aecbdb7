import { z } from 'zod'
import { ENVIRONMENTS, ROLLBACK_TYPES, SCENARIOS } from './decision-vocabulary.js'
import { expected, GOT, keyedRecord, strictObject } from './schema-helpers.js'
import { durationRangeProblem, formatDuration, parseDuration, POSITIVE_TIMER_RANGE, positiveDurationSchema } from './units.js'

/**
 * The decision matrix of lastgood.yaml (seed 002) and what goes with it: the platform's environment, how
 * long an approval request stays valid, and the scenario of a trigger. schema.ts spreads
 * `decisionSettingsShape` into the top level and takes the app and trigger keys from here, so the matrix
 * lives in one file.
 */

const TARGET_TEXT = 'a duration such as 2m, or rto (objectives.rto)'

/** A duration, or `rto`: the seeds give the emergency row "RTO", not a number. */
const targetSchema = z
  .string({ error: expected(TARGET_TEXT) })
  .regex(/^\s*(?:rto|(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+)\s*$/, { error: expected(TARGET_TEXT) })
  .transform((s, ctx): number | 'rto' => {
    const text = s.trim()
    if (text === 'rto') return 'rto'
    const ms = parseDuration(text)
    const problem = ms === undefined ? `expected ${TARGET_TEXT}` : durationRangeProblem(ms, POSITIVE_TIMER_RANGE)
    if (ms !== undefined && problem === undefined) return ms
    ctx.issues.push({ code: 'custom', input: s, message: `${problem}, got ${GOT}` })
    return z.NEVER
  })
  .meta({ durationRange: { min: formatDuration(POSITIVE_TIMER_RANGE.min), max: formatDuration(POSITIVE_TIMER_RANGE.max) } })

const rowSchema = strictObject(
  {
    rollback: z
      .enum(ROLLBACK_TYPES, { error: expected(`a rollback type, one of ${ROLLBACK_TYPES.join(', ')}`) })
      .describe('automatic: lastgood rolls back on its own; manual: a person asks; emergency: at once, on the shortest clock.'),
    target: targetSchema.describe('Time to recover in this scenario, reported against; `rto` is objectives.rto.'),
    approval: z
      .enum(['none', 'required'], { error: expected('none or required') })
      .describe('required: the action waits for a person holding approve:<scenario> (not the one who asked).'),
    environments: z
      .array(z.enum(ENVIRONMENTS, { error: expected(`an environment, one of ${ENVIRONMENTS.join(', ')}`) }), {
        error: expected('a list of environments'),
      })
      .min(1, { error: 'expected at least one environment, got none' })
      .optional()
      .describe(
        "The row's approval and flag hold only when `environment` is one of these (seed 002: production only); " +
          'elsewhere the action needs no approval. Default: every environment.',
      ),
    flagged: z
      .boolean({ error: expected('true or false') })
      .default(false)
      .describe('Flag every action in this scenario in the audit trail and open a review, like break-glass.'),
  },
  'a decision row mapping (rollback, target, approval, …)',
).superRefine((row, ctx) => {
  if (row.rollback === 'automatic' && row.approval === 'required') {
    ctx.addIssue({
      code: 'custom',
      path: ['approval'],
      message: 'expected none for an automatic rollback (lastgood acts on its own), got required; make it rollback: manual to ask a person',
    })
  }
})

export type DecisionRowYaml = z.output<typeof rowSchema>

const matrixSchema = keyedRecord(SCENARIOS, rowSchema, 'decision rows by scenario', 'scenario')
  .superRefine((rows, ctx) => {
    // Every action has a scenario (a person's rollback, a data restore, an incident): a missing row would
    // leave it undecided, so a matrix is whole or absent.
    const missing = SCENARIOS.filter((s) => !Object.hasOwn(rows, s))
    if (missing.length > 0) ctx.addIssue({ code: 'custom', message: `expected a row for every scenario, missing: ${missing.join(', ')}` })
  })
  .meta({ minProperties: SCENARIOS.length })
  .optional()
  .describe(
    'The decision matrix (seed 002): for each scenario, the rollback type, the target time and whether a person ' +
      `must approve. A row for every scenario (${SCENARIOS.join(', ')}); without a matrix no action needs an approval.`,
  )

export const decisionSettingsShape = {
  environment: z
    .enum(ENVIRONMENTS, { error: expected(`an environment, one of ${ENVIRONMENTS.join(', ')}`) })
    .default('production')
    .describe('What this platform is; decision rows may hold in some environments only.'),
  decision_matrix: matrixSchema,
  approvals: strictObject({
    expire_after: positiveDurationSchema()
      .prefault('15m')
      .describe('An undecided approval request stays valid this long (the RTO of the seeds), then expires.'),
  })
    .prefault({})
    .describe('Approval requests the decision matrix asks for.'),
}

/** An app's two-person rule: how many different people must approve its actions. */
export const appApprovalsSchema = z
  .union([z.literal(1), z.literal(2)], { error: expected('1 or 2 (approvers; 2 is the two-person rule)') })
  .optional()
  .describe('Different people who must approve an action on this app where the matrix asks for approval; default 1.')

/** The scenario of a trigger's action; error_rate keeps a trigger rolling back on its own under the seeds' matrix. */
export const triggerScenarioSchema = z
  .enum(SCENARIOS, { error: expected(`a scenario, one of ${SCENARIOS.join(', ')}`) })
  .default('error_rate')
  .describe("The decision matrix's row for what this trigger does.")
