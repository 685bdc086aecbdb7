import { z } from 'zod'
import { DRILL_NAMES } from './drill-vocabulary.js'
import { cronOf, CRON_EXAMPLE, SCHEDULE_JOBS } from '../schedules/cron.js'
import { expected, GOT, nameSchema, strictObject, textSchema } from './schema-helpers.js'

/**
 * `schedules:` in lastgood.yaml: jobs `lastgood serve` runs on a cron schedule in a time zone. The cron
 * expression and the zone are checked here, by the cron library itself, so a schedule that cannot be
 * evaluated never reaches a running server; the apps and channels named are checked in schema.ts.
 */

const cronSchema = textSchema(`a cron expression such as "${CRON_EXAMPLE}"`).superRefine((text, ctx) => {
  const problem = cronProblem(text, 'UTC')
  if (problem)
    ctx.addIssue({
      code: 'custom',
      input: text,
      message: `expected a cron expression of five fields (minute hour day-of-month month day-of-week), or six with seconds first, such as "${CRON_EXAMPLE}", got ${GOT} (${problem})`,
    })
})

const timezoneSchema = textSchema('an IANA time zone such as Europe/Berlin').superRefine((zone, ctx) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
  } catch {
    ctx.addIssue({ code: 'custom', input: zone, message: `expected an IANA time zone such as Europe/Berlin or UTC, got ${GOT}` })
  }
})

const commonShape = {
  cron: cronSchema.describe(
    'When it runs: five fields (minute hour day-of-month month day-of-week), or six with seconds first; @daily, @weekly and @monthly too.',
  ),
  timezone: timezoneSchema.default('UTC').describe('IANA time zone the cron expression is read in; daylight-saving changes are handled.'),
  notify: z
    .array(nameSchema('it-team'), { error: expected('a list of channel names') })
    .optional()
    .describe('Channels told when a run fails or was missed; default: notifications.incidents; [] tells nobody.'),
}

const appsSchema = z
  .array(nameSchema('staff'), { error: expected('a list of app names') })
  .default([])
  .describe('Apps it acts on; default: every app.')

const scheduleSchema = z
  .discriminatedUnion(
    'run',
    [
      strictObject({
        run: z.literal('snapshot-create').describe('`lastgood snapshot create APP…` (kind scheduled, labelled with the schedule).'),
        ...commonShape,
        apps: appsSchema,
      }),
      strictObject({
        run: z.literal('snapshot-prune').describe("`lastgood snapshot prune`: enforces each app's retention."),
        ...commonShape,
        apps: appsSchema,
      }),
      strictObject({
        run: z.literal('snapshot-verify').describe('`lastgood snapshot verify --read-data`: reads and authenticates every byte.'),
        ...commonShape,
        read_data: z
          .boolean({ error: expected('true or false') })
          .default(true)
          .describe('Read every byte (--read-data); false checks the structure only.'),
      }),
      strictObject({
        run: z.literal('drill').describe("`lastgood drill`: recovery drills measured against the platform's RTO."),
        ...commonShape,
        scenario: z
          .array(z.enum(DRILL_NAMES, { error: expected(`a drill, one of ${DRILL_NAMES.join(', ')}`) }), {
            error: expected('a list of drills'),
          })
          .min(1, { error: 'expected at least one drill, got none' })
          .default([...DRILL_NAMES])
          .describe('Drills to run, in this order; default: every drill.'),
      }),
    ],
    { error: expected(`a job, one of ${SCHEDULE_JOBS.join(', ')}`) },
  )
  .superRefine((s, ctx) => {
    // Each field on its own may be fine and still the pair never fall due (30 February).
    if (typeof s.cron !== 'string' || typeof s.timezone !== 'string') return
    if (cronProblem(s.cron, s.timezone) === undefined && cronOf(s.cron, s.timezone).nextRun() === null)
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        input: s.cron,
        message: `expected a cron expression that falls due, got ${GOT}: it never does`,
      })
  })
  .describe('One scheduled job; `run` says which.')

export const schedulesSchema = z
  .record(nameSchema('nightly-snapshot'), scheduleSchema, { error: expected('a mapping of schedules') })
  .default({})
  .describe('Jobs `lastgood serve` runs on a cron schedule, by name; each run is audited (schedule.run).')

export type ScheduleYaml = z.output<typeof scheduleSchema>

function cronProblem(expression: string, timezone: string): string | undefined {
  try {
    cronOf(expression, timezone).nextRun()
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}
