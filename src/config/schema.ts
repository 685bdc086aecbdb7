import { z } from 'zod'
import {
  expected,
  intSchema,
  nameSchema,
  namedMapSchema,
  strictObject,
  textSchema,
} from './schema-helpers.js'
import type { ResolvedComponent } from './types.js'
import { durationSchema, formatDuration, positiveDurationSchema } from './units.js'

/**
 * The schema of lastgood.yaml: snake_case keys, units as people write them, every object strict. Its
 * descriptions are the configuration reference (json-schema.ts publishes them). Defaults that apply to every
 * app live under `defaults`; resolve-config.ts merges them into each app.
 */

const duration = () => positiveDurationSchema()

const pathSchema = (what: string) => textSchema(what)

const commandSchema = (what: string) => textSchema(`a shell command that ${what}`)

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
    expect_body: textSchema('the text the body must contain')
      .optional()
      .describe('When set, the body must contain this text.'),
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
  keep_within: durationSchema().describe('Snapshots younger than this are kept too.'),
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

const localReleaseSchema = strictObject({
  provider: z.literal('local-release').describe('A release directory and a `current` symlink.'),
  path: pathSchema('a directory path such as ./apps/staff').describe(
    'Deploy root holding the releases directory and the current symlink; relative to the config file.',
  ),
  releases_dir: pathSchema('a directory name such as releases')
    .default('releases')
    .describe('Directory of releases, relative to path.'),
  current_link: pathSchema('a symlink name such as current')
    .default('current')
    .describe('Symlink to the live release, relative to path.'),
  restart: commandSchema('restarts or reloads the app')
    .optional()
    .describe('Shell command run after the switch, in path.'),
  restart_timeout: duration().prefault('60s').describe('Timeout of the restart command.'),
})

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const commandComponentSchema = strictObject({
  provider: z.literal('command').describe('Any deploy tool, driven by three shell commands.'),
  current: commandSchema('prints the version that runs now').describe(
    'Shell command printing the version that runs now; must change nothing.',
  ),
  capture: commandSchema('prints the state to keep').describe(
    'Shell command printing the state to keep on stdout (often JSON).',
  ),
  restore: commandSchema('puts the captured state back').describe(
    'Shell command receiving the captured state on stdin and putting it back.',
  ),
  artifacts: z
    .array(pathSchema('a file or directory path'), { error: expected('a list of paths') })
    .default([])
    .describe('Files or directories stored with each capture; relative to cwd.'),
  timeout: duration().prefault('5m').describe('Timeout of each command.'),
  cwd: pathSchema('a directory path')
    .optional()
    .describe("Working directory of the commands; default: the config file's directory."),
  env: z
    .record(
      z.string().regex(ENV_NAME, { error: expected('an environment variable name such as API_URL') }),
      z
        .union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean') })
        .transform(String),
      { error: expected('a mapping of environment variables') },
    )
    .default({})
    .describe('Extra environment variables for the commands.'),
})

const PROVIDERS = ['local-release', 'command'] as const satisfies readonly ResolvedComponent['provider'][]
// Compile-time: a provider added to ResolvedComponent without a schema here fails this line.
true satisfies [Exclude<ResolvedComponent['provider'], (typeof PROVIDERS)[number]>] extends [never] ? true : false

const componentSchema = z
  .discriminatedUnion('provider', [localReleaseSchema, commandComponentSchema], {
    error: expected(`a provider, one of ${PROVIDERS.join(', ')}`),
  })
  .describe('One part of an app, deployed and restored on its own; `provider` says which kind.')

const appSchema = strictObject(
  {
    description: textSchema('a description').optional().describe('What the app is, for people.'),
    priority: intSchema(1).describe('Recovery priority: 1 is restored first.'),
    health: appHealthSchema
      .optional()
      .describe('Health checks and their timing; an app without checks has unknown health.'),
    components: namedMapSchema(componentSchema, 'components', 'release').describe(
      'Components by name, in restore order.',
    ),
    retention: strictObject({
      keep_last: retentionShape.keep_last.optional(),
      keep_within: retentionShape.keep_within.optional(),
    })
      .optional()
      .describe('Overrides defaults.retention for this app.'),
    rollback: appRollbackSchema.optional().describe('Overrides defaults.rollback for this app.'),
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
    schema: nameSchema('lastgood')
      .default('public')
      .describe('PostgreSQL schema that holds the tables; created when missing.'),
  })
    .optional()
    .describe('Where the state (snapshots, rollback journal, locks, audit trail) is kept; SQLite when absent.'),
  repository: strictObject({
    path: pathSchema('a directory path')
      .optional()
      .describe('Snapshot repository; default: <state_dir>/repo. Relative to the config file.'),
    key_file: pathSchema('a file path')
      .optional()
      .describe(
        'Repository key file, used when LASTGOOD_PASSWORD is not set; default: <state_dir>/repository.key.',
      ),
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
  })
    .prefault({})
    .describe('Defaults for every app; each app may override them.'),
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
  })
  .meta({
    title: 'lastgood.yaml',
    description: 'Configuration of one lastgood platform: its apps, their components and health checks.',
  })

function checkValidationWindow(
  v: { window: number; passes: number; interval: number },
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
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

/** lastgood.yaml as written (units as text, optional keys absent). */
export type ConfigInput = z.input<typeof configSchema>
/** lastgood.yaml after validation: units in milliseconds, schema defaults filled in, overrides not merged. */
export type ConfigYaml = z.output<typeof configSchema>
export type ComponentYaml = z.output<typeof componentSchema>
export type AppYaml = z.output<typeof appSchema>

export const PROVIDER_KINDS: readonly string[] = PROVIDERS
