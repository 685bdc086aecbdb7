import { z } from 'zod'
import { expected, intSchema, nameSchema, namedMapSchema, strictObject, textSchema } from '../config-parts/schema-helpers.js'
import { componentConfigSchemas, providerKinds } from '../providers/registry.js'
import { ageSchema, durationSchema, formatDuration, percentageSchema, positiveDurationSchema } from '../config-parts/units.js'
import { continuitySchema, escalationSchema, notificationsSchema, runbooksSchema } from './recovery-schema.js'
import { missingSettings, sourceProblem, sourceSettingsShape, triggerSourceSchema } from '../metrics/source-registry.js'
import { appApprovalsSchema, decisionSettingsShape, triggerScenarioSchema } from '../config-parts/decision-matrix-schema.js'
import { checkNames } from '../config-parts/name-references.js'
import { authSchema, checkAuthReferences } from '../config-parts/auth-schema.js'
import { schedulesSchema } from '../config-parts/schedule-schema.js'

/**
 * The schema of lastgood.yaml: snake_case keys, units as people write them, every object strict. Its
 * descriptions are the configuration reference (json-schema.ts publishes them). Defaults that apply to every
 * app live under `defaults`; resolve-config.ts merges them into each app.
 */

const duration = () => positiveDurationSchema()

const pathSchema = (what: string) => textSchema(what)

const HTTP_STATUS = intSchema(100, 599)

const healthCheckSchema = strictObject(
  {
    name: nameSchema('api').describe('Name of the check, unique within the app; shown in reports.'),
    url: z
      .url({ protocol: /^https?$/, error: expected('an http(s) URL such as http://127.0.0.1:4101/health') })
      .describe('HTTP or HTTPS URL to probe.'),
    method: z
      .enum(['GET', 'HEAD'], { error: expected('GET or HEAD') })
      .default('GET')
      .describe('HTTP method.'),
    expect_status: z
      .union([HTTP_STATUS, z.array(HTTP_STATUS).min(1)], {
        error: expected('an HTTP status from 100 to 599, or a list of them'),
      })
      .default(200)
      .describe('Status (or list of statuses) that counts as healthy.'),
    expect_body: textSchema('the text the body must contain').optional().describe('When set, the body must contain this text.'),
    timeout: duration().optional().describe("Timeout of this check; default: the app's health timeout."),
  },
  'a health check mapping (name, url, …)',
)

const healthChecksSchema = z
  .array(healthCheckSchema, { error: expected('a list of health checks') })
  .min(1, { error: 'expected at least one health check, got none' })
  .superRefine((checks, ctx) => {
    const seen = new Map<string, number>()
    checks.forEach((check, i) => {
      const first = seen.get(check.name)
      if (first === undefined) seen.set(check.name, i)
      else
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `expected a unique check name, got "${check.name}" again (also checks[${first}])`,
        })
    })
  })

const healthTimingShape = {
  interval: duration().describe('Time between two probes of an app.'),
  timeout: duration().describe('Timeout of one probe.'),
  failures: intSchema(1).describe('Consecutive failed probes that make an app unhealthy.'),
}

const defaultHealthSchema = strictObject({
  interval: healthTimingShape.interval.prefault('30s'),
  timeout: healthTimingShape.timeout.prefault('10s'),
  failures: healthTimingShape.failures.default(3),
})

const appHealthSchema = strictObject(
  {
    interval: healthTimingShape.interval.optional(),
    timeout: healthTimingShape.timeout.optional(),
    failures: healthTimingShape.failures.optional(),
    checks: healthChecksSchema.describe('HTTP checks; all must pass for the app to be healthy.'),
  },
  'a health mapping (checks, interval, …)',
)

const retentionShape = {
  keep_last: intSchema(1).describe('Snapshots always kept per app, newest first.'),
  keep_within: ageSchema().describe('Snapshots younger than this are kept too.'),
}

const validationShape = {
  window: duration().describe('Time allowed for validation after a rollback.'),
  passes: intSchema(1).describe('Consecutive passing health rounds that make a rollback good.'),
  interval: duration().describe('Time between two validation rounds.'),
}

const defaultRollbackSchema = strictObject({
  timeout: duration().prefault('10m').describe('Longest a rollback may run, validation included.'),
  validation: strictObject({
    window: validationShape.window.prefault('2m'),
    passes: validationShape.passes.default(3),
    interval: validationShape.interval.prefault('2s'),
  })
    .prefault({})
    .describe('Health validation after a restore.'),
})

const appRollbackSchema = strictObject({
  timeout: duration().optional().describe('Longest a rollback may run, validation included.'),
  validation: strictObject({
    window: validationShape.window.optional(),
    passes: validationShape.passes.optional(),
    interval: validationShape.interval.optional(),
  })
    .optional()
    .describe('Health validation after a restore.'),
})

const ACTIONS = ['rollback', 'alert', 'escalate'] as const

const actionSchema = z
  .enum(ACTIONS, { error: expected(`an action, one of ${ACTIONS.join(', ')}`) })
  .default('rollback')
  .describe(
    'What a firing trigger does: rollback (automatic, no approval), alert (record a pending rollback an ' +
      'operator runs with one command), escalate (open an incident).',
  )

const forSchema = () =>
  durationSchema().describe(
    'The condition must hold at every evaluation for this long before the trigger fires (Prometheus `for`); 0s fires at once.',
  )

const windowSchema = () => positiveDurationSchema().prefault('1m').describe('Each evaluation measures over this window ending now.')

const healthFailuresTrigger = strictObject({
  kind: z.literal('health_failures').describe('Consecutive failed health-check rounds.'),
  consecutive: intSchema(1).optional().describe("Failed rounds in a row that fire; default: the app's health.failures."),
  action: actionSchema,
  scenario: triggerScenarioSchema,
})

const errorRateTrigger = strictObject({
  kind: z.literal('error_rate').describe('Share of requests that failed.'),
  above: percentageSchema().describe('Fires when the error rate is above this.'),
  over_requests: intSchema(1)
    .optional()
    .describe('Over the last N requests (probes source): fires once more than above × N of them failed.'),
  for: forSchema().optional(),
  window: windowSchema(),
  source: triggerSourceSchema,
  action: actionSchema,
  scenario: triggerScenarioSchema,
})

const latencyTrigger = strictObject({
  kind: z.literal('latency').describe('A latency percentile.'),
  percentile: z
    .number({ error: expected('a percentile above 0 and below 100 such as 95') })
    .gt(0, { error: expected('a percentile above 0 and below 100 such as 95') })
    .lt(100, { error: expected('a percentile above 0 and below 100 such as 95') })
    .default(95)
    .describe('Which percentile: 95 for p95.'),
  above: positiveDurationSchema().describe('Fires when the percentile is above this.'),
  for: forSchema().prefault('0s'),
  window: windowSchema(),
  source: triggerSourceSchema,
  action: actionSchema,
  scenario: triggerScenarioSchema,
})

const availabilityTrigger = strictObject({
  kind: z.literal('availability').describe('Share of requests (or probe rounds) that succeeded.'),
  below: percentageSchema().describe('Fires when availability is below this.'),
  for: forSchema().prefault('0s'),
  window: windowSchema(),
  source: triggerSourceSchema,
  action: actionSchema,
  scenario: triggerScenarioSchema,
})

const promqlTrigger = strictObject({
  kind: z.literal('promql').describe('Any PromQL expression, evaluated by Prometheus.'),
  query: textSchema('a PromQL expression').describe(
    'Without above/below, the condition holds while the result is non-empty (alerting-rule semantics); ' +
      'with one, the largest sample is compared and an empty result is missing data.',
  ),
  above: z
    .number({ error: expected('a number') })
    .optional()
    .describe('Holds when the largest sample is above this.'),
  below: z
    .number({ error: expected('a number') })
    .optional()
    .describe('Holds when the largest sample is below this.'),
  for: forSchema().prefault('0s'),
  action: actionSchema,
  scenario: triggerScenarioSchema,
})

const offTrigger = strictObject({
  kind: z.literal('off').describe('Removes the default trigger of this name from this app.'),
})

const TRIGGER_KINDS = ['health_failures', 'error_rate', 'latency', 'availability', 'promql', 'off'] as const

const triggerSchema = z
  .discriminatedUnion('kind', [healthFailuresTrigger, errorRateTrigger, latencyTrigger, availabilityTrigger, promqlTrigger, offTrigger], {
    error: expected(`a trigger kind, one of ${TRIGGER_KINDS.join(', ')}`),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'error_rate' && (t.over_requests === undefined) === (t.for === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['over_requests'],
        message:
          'expected exactly one of over_requests (last N requests) or for (a duration), got ' + (t.for === undefined ? 'neither' : 'both'),
      })
    }
    const source = t.kind === 'off' || t.kind === 'health_failures' ? undefined : sourceProblem(t)
    if (source) ctx.addIssue({ code: 'custom', path: [source.path], message: source.message })
    if (t.kind === 'promql' && t.above !== undefined && t.below !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['below'], message: 'expected above or below, got both' })
    }
  })
  .describe('A rule over a metric window; `kind` says which.')

/** Triggers by name. An app's entry replaces the default of the same name; `kind: off` removes it. */
const triggersSchema = (what: string) =>
  z.record(nameSchema('error-rate'), triggerSchema, { error: expected('a mapping of triggers') }).describe(what)

const componentSchema = z
  .discriminatedUnion('provider', componentConfigSchemas, {
    error: expected(`a provider, one of ${providerKinds.join(', ')}`),
  })
  .describe('One part of an app, deployed and restored on its own; `provider` says which kind.')

const appSchema = strictObject(
  {
    description: textSchema('a description').optional().describe('What the app is, for people.'),
    priority: intSchema(1).describe('Recovery priority: 1 is restored first.'),
    health: appHealthSchema.optional().describe('Health checks and their timing; an app without checks has unknown health.'),
    components: namedMapSchema(componentSchema, 'components', 'release').describe('Components by name, in restore order.'),
    retention: strictObject({
      keep_last: retentionShape.keep_last.optional(),
      keep_within: retentionShape.keep_within.optional(),
    })
      .optional()
      .describe('Overrides defaults.retention for this app.'),
    rollback: appRollbackSchema.optional().describe('Overrides defaults.rollback for this app.'),
    approvals: appApprovalsSchema,
    triggers: triggersSchema(
      'Triggers of this app, merged over defaults.triggers by name; `name: { kind: off }` removes a default.',
    ).optional(),
    prometheus: strictObject({
      selector: textSchema('PromQL label matchers such as job="staff"').describe(
        'Label matchers (without braces) that select this app\'s series in the built-in queries; default job="<app>".',
      ),
    })
      .optional()
      .describe('How Prometheus triggers find this app.'),
  },
  'an app mapping (priority, components, …)',
)

export const configSchema = strictObject(
  {
    version: z
      .literal(1, { error: expected('1, the only configuration version there is') })
      .default(1)
      .describe('Version of this file format.'),
    platform: nameSchema('clinic').describe('Name of the platform this file describes.'),
    state_dir: pathSchema('a directory path such as .lastgood')
      .default('.lastgood')
      .describe('State directory (database, repository, key); relative to the config file.'),
    database: strictObject({
      url: z
        .string({ error: expected('a PostgreSQL URL such as postgres://lastgood@db.internal/lastgood') })
        .regex(/^postgres(ql)?:\/\/\S+$/, { error: expected('a PostgreSQL URL such as postgres://lastgood@db.internal/lastgood') })
        .describe(
          'PostgreSQL database shared by several lastgood replicas; default: SQLite at <state_dir>/state.db. ' +
            'Put the password in the environment: ${LASTGOOD_DATABASE_URL}.',
        ),
      schema: nameSchema('lastgood').default('public').describe('PostgreSQL schema that holds the tables; created when missing.'),
    })
      .optional()
      .describe('Where the state (snapshots, rollback journal, locks, audit trail) is kept; SQLite when absent.'),
    repository: strictObject({
      path: pathSchema('a directory path')
        .optional()
        .describe('Snapshot repository; default: <state_dir>/repo. Relative to the config file.'),
      key_file: pathSchema('a file path')
        .optional()
        .describe('Repository key file, used when LASTGOOD_PASSWORD is not set; default: <state_dir>/repository.key.'),
      compression_level: intSchema(1, 22).default(3).describe('zstd compression level of snapshot data.'),
    })
      .prefault({})
      .describe('Where snapshot data is stored.'),
    audit: strictObject({
      checkpoint_file: pathSchema('a file path')
        .optional()
        .describe(
          'Also append every audit checkpoint to this file as a JSON line, and check them in audit verify. ' +
            'Put it on other media (WORM storage, another host) so whoever can write the state database cannot ' +
            'remove it. Relative to the config file.',
        ),
    })
      .prefault({})
      .describe('The audit trail.'),
    defaults: strictObject({
      health: defaultHealthSchema.prefault({}).describe('Health timing for every app.'),
      retention: strictObject({
        keep_last: retentionShape.keep_last.default(10),
        keep_within: retentionShape.keep_within.prefault('30d'),
      })
        .prefault({})
        .describe('Snapshot retention for every app.'),
      rollback: defaultRollbackSchema.prefault({}).describe('Rollback limits for every app.'),
      triggers: triggersSchema('Triggers every app gets; an app may replace or remove each by name.').default({}),
    })
      .prefault({})
      .describe('Defaults for every app; each app may override them.'),
    monitor: strictObject({
      cooldown: durationSchema()
        .prefault('15m')
        .describe(
          'After an automatic rollback the app is in cooldown this long: a rollback trigger that fires then ' +
            'means the restored state is bad too, and lastgood does on_restored_failure instead of rolling back again.',
        ),
      on_restored_failure: z
        .enum(['escalate', 'roll_back_further'], { error: expected('escalate or roll_back_further') })
        .default('escalate')
        .describe('escalate: stop and open an incident; roll_back_further: roll back to the next older known-good snapshot.'),
      max_automatic_rollbacks: intSchema(1)
        .default(2)
        .describe('With roll_back_further: automatic rollbacks of one app in a row (each within cooldown of the last) before escalating.'),
      watch_for: positiveDurationSchema().prefault('10m').describe('Default soak of `lastgood watch`.'),
    })
      .prefault({})
      .describe('How the monitor acts on triggers.'),
    ...sourceSettingsShape,
    objectives: strictObject({
      rto: positiveDurationSchema().prefault('15m').describe('Recovery time objective: fault to healthy again.'),
      rpo: positiveDurationSchema().prefault('5m').describe('Recovery point objective: most data loss allowed.'),
    })
      .prefault({})
      .describe('Recovery objectives; drills are measured against them.'),
    ...decisionSettingsShape,
    notifications: notificationsSchema,
    escalation: escalationSchema,
    continuity: continuitySchema,
    runbooks: runbooksSchema,
    schedules: schedulesSchema,
    auth: authSchema,
    apps: namedMapSchema(appSchema, 'apps', 'staff').describe('Apps by name.'),
  },
  'a configuration mapping (version, platform, apps, …)',
)
  .superRefine((config, ctx) => {
    // Checked on the merged values: an app may override passes alone and fall foul of the default window.
    const defaults = config.defaults.rollback.validation
    checkValidationWindow(defaults, ['defaults', 'rollback', 'validation'], ctx)
    for (const [name, app] of Object.entries(config.apps)) {
      const own = app.rollback?.validation
      if (!own) continue
      checkValidationWindow({ ...defaults, ...own }, ['apps', name, 'rollback', 'validation'], ctx)
    }
    checkRecoveryReferences(config, ctx)
    checkAuthReferences(config, ctx)
    const where: [string[], Record<string, Trigger>][] = [
      [['defaults'], config.defaults.triggers],
      ...Object.entries(config.apps).map(([n, a]): [string[], Record<string, Trigger>] => [['apps', n], a.triggers ?? {}]),
    ]
    for (const [at, triggers] of where) {
      for (const [name, t] of Object.entries(triggers)) {
        const missing = t.kind === 'off' || t.kind === 'health_failures' ? undefined : missingSettings(t, config)
        if (missing) ctx.addIssue({ code: 'custom', path: [...at, 'triggers', name], message: missing })
      }
    }
  })
  .meta({
    title: 'lastgood.yaml',
    description: 'Configuration of one lastgood platform: its apps, their components and health checks.',
  })

/** Every channel and app a recovery setting or a schedule names must exist. */
function checkRecoveryReferences(
  config: {
    apps: Record<string, unknown>
    notifications: z.output<typeof notificationsSchema>
    escalation: z.output<typeof escalationSchema>
    continuity: z.output<typeof continuitySchema>
    runbooks: z.output<typeof runbooksSchema>
    schedules: z.output<typeof schedulesSchema>
  },
  ctx: z.RefinementCtx,
): void {
  const channels = Object.keys(config.notifications.channels)
  const apps = Object.keys(config.apps)
  const check = (names: string[], path: (string | number)[], known: string[], what: string) => checkNames(ctx, names, path, known, what)
  check(config.notifications.incidents, ['notifications', 'incidents'], channels, 'a channel')
  config.escalation.levels.forEach((l, i) => check(l.notify, ['escalation', 'levels', i, 'notify'], channels, 'a channel'))
  for (const [name, plan] of Object.entries(config.continuity)) {
    check(plan.apps, ['continuity', name, 'apps'], apps, 'an app')
    check(plan.notify, ['continuity', name, 'notify'], channels, 'a channel')
  }
  for (const [type, steps] of Object.entries(config.runbooks)) {
    steps.forEach((s, i) => {
      if (s.step === 'notify') check(s.channels, ['runbooks', type, i, 'channels'], channels, 'a channel')
      if (s.step === 'breach_assessment') check(s.notify, ['runbooks', type, i, 'notify'], channels, 'a channel')
    })
  }
  for (const [name, s] of Object.entries(config.schedules)) {
    if ('apps' in s) check(s.apps, ['schedules', name, 'apps'], apps, 'an app')
    check(s.notify ?? [], ['schedules', name, 'notify'], channels, 'a channel')
  }
}

function checkValidationWindow(
  v: { window: number; passes: number; interval: number },
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  // Cross-field checks run even when a field has its own issue (zod keeps going after a failed format), and
  // then that field is still the text as written: its own issue says what is wrong with it.
  if (![v.window, v.passes, v.interval].every((n) => typeof n === 'number')) return
  const needed = v.passes * v.interval
  if (v.window >= needed) return
  ctx.addIssue({
    code: 'custom',
    path,
    message:
      `expected a window of at least passes × interval = ${v.passes} × ${formatDuration(v.interval)} = ` +
      `${formatDuration(needed)}, got window ${formatDuration(v.window)}`,
  })
}

/** lastgood.yaml after validation: units in milliseconds, schema defaults filled in, overrides not merged. */
export type ConfigYaml = z.output<typeof configSchema>
export type AppYaml = z.output<typeof appSchema>
export type Trigger = z.output<typeof triggerSchema>
