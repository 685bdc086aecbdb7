import { z } from 'zod'
import { expected, intSchema, keyedRecord, nameSchema, strictObject, textSchema } from '../config-parts/schema-helpers.js'
import { channelConfigSchema } from '../channels/channel-registry.js'
import { INCIDENT_TYPES, TEMPLATE_NAMES } from '../config-parts/incident-vocabulary.js'
import { durationSchema, positiveDurationSchema } from '../config-parts/units.js'

/**
 * The disaster-recovery part of lastgood.yaml: notification channels and templates, escalation levels,
 * business-continuity plans and runbooks per incident type. Cross-references (a channel named by a level,
 * an app named by a plan) are checked in schema.ts, which sees the whole file.
 */

/** Every {{placeholder}} a message may carry (not every message fills all: an unfilled one reads n/a). */
export const TEMPLATE_PLACEHOLDERS = [
  'platform',
  'incident',
  'type',
  'severity',
  'status',
  'level',
  'scope',
  'reason',
  'issue',
  'actor',
  'at',
  'components',
  'actions',
  'eta',
  'update_interval',
  'version',
  'duration',
  'impact',
  'system_status',
  'post_mortem',
  'elapsed',
  'level_actions',
  'function',
  'fallback',
  'max_downtime',
  'downtime',
  'step',
  'error',
  'summary',
  'approval',
  'approvers',
  'plan',
  'target_time',
  'expires',
  'command',
  'action_item',
  'owner',
  'due',
  'discovered',
  'deadline',
  'time_left',
  'schedule',
  'job',
  'next',
] as const

const templateSchema = textSchema('a message template').superRefine((text, ctx) => {
  const unknown = [...text.matchAll(/\{\{\s*([a-z_]+)\s*\}\}/g)]
    .map((m) => m[1]!)
    .filter((n) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(n))
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected placeholders from ${TEMPLATE_PLACEHOLDERS.join(', ')}, got {{${unknown.join('}}, {{')}}}`,
    })
  }
})

const channelNames = (what: string) =>
  z
    .array(nameSchema('it-team'), { error: expected('a list of channel names') })
    .default([])
    .describe(what)

export const notificationsSchema = strictObject({
  channels: z
    .record(nameSchema('it-team'), channelConfigSchema, { error: expected('a mapping of channels') })
    .default({})
    .describe('Channels by name.'),
  incidents: channelNames('Channels told about every incident from its declaration on, whatever its level.'),
  timeout: positiveDurationSchema().prefault('10s').describe('Timeout of one delivery attempt.'),
  retry: strictObject({
    attempts: intSchema(1).default(6).describe('Delivery attempts before a message is given up (and the failure recorded).'),
    backoff: positiveDurationSchema().prefault('2s').describe('Wait before the second attempt; doubles each time.'),
    max_backoff: positiveDurationSchema().prefault('5m').describe('Longest wait between two attempts.'),
  })
    .prefault({})
    .describe('Retries of a failed delivery, with exponential backoff.'),
  status_updates: durationSchema()
    .prefault('10m')
    .describe('While an incident is open, a status update goes to everyone told so far this often (seed: every 10 minutes); 0s: never.'),
  templates: keyedRecord(TEMPLATE_NAMES, templateSchema, 'templates', 'template')
    .default({})
    .describe('Overrides of the message templates ({{placeholders}}: see docs/disaster-recovery.md, Templates).'),
})
  .prefault({})
  .describe('Notification channels, retries and message templates.')

const levelSchema = strictObject({
  after: durationSchema().describe('Time after the declaration at which the incident reaches this level.'),
  notify: channelNames('Channels told when the incident reaches this level; they hear every later update too.'),
  activate_continuity: z
    .boolean({ error: expected('true or false') })
    .default(false)
    .describe('Activate the continuity plans of every function whose apps are in the incident scope.'),
  actions: z
    .array(textSchema('an instruction'), { error: expected('a list of instructions') })
    .default([])
    .describe('What people do at this level, quoted in the escalation message.'),
})

export const escalationSchema = strictObject({
  levels: z
    .array(levelSchema, { error: expected('a list of escalation levels') })
    .min(1, { error: 'expected at least one escalation level, got none' })
    .superRefine((levels, ctx) => {
      levels.forEach((l, i) => {
        // A level whose `after` is not a duration has its own issue; it is no basis for comparing.
        if (typeof l.after !== 'number' || (i > 0 && typeof levels[i - 1]!.after !== 'number')) return
        if (i === 0 && l.after !== 0)
          ctx.addIssue({ code: 'custom', path: [0, 'after'], message: 'expected 0s for the first level (it starts at the declaration)' })
        if (i > 0 && l.after <= levels[i - 1]!.after) {
          ctx.addIssue({ code: 'custom', path: [i, 'after'], message: `expected a time later than level ${i}'s` })
        }
      })
    })
    .prefault([{ after: '0m' }, { after: '15m' }, { after: '30m', activate_continuity: true }])
    .describe('Levels 1, 2, 3…; each is reached `after` the declaration (seed: 0, 15 and 30 minutes).'),
})
  .prefault({})
  .describe('Time-based escalation of open incidents.')

export const continuitySchema = z
  .record(
    nameSchema('patient-check-in'),
    strictObject({
      function: textSchema('a critical function such as Patient Check-in').describe('The critical function, for people.'),
      apps: z
        .array(nameSchema('staff'), { error: expected('a list of app names') })
        .min(1, { error: 'expected at least one app, got none' })
        .describe('Apps the function needs: it is down while any of them is.'),
      fallback: textSchema('a manual fallback such as Paper-based check-in forms').describe('The manual procedure people switch to.'),
      max_downtime: positiveDurationSchema().describe('Longest the function may be down; past it the incident escalates.'),
      notify: channelNames('Channels that receive the fallback instruction when the plan activates.'),
    }),
    { error: expected('a mapping of continuity plans') },
  )
  .default({})
  .describe('Business-continuity plans by name.')

const onFailure = (dflt: 'stop' | 'continue') =>
  z
    .enum(['stop', 'continue'], { error: expected('stop or continue') })
    .default(dflt)
    .describe('When this step fails: stop the runbook and escalate, or record it and go on.')

const hookShape = {
  run: textSchema('a shell command').describe(
    'Shell command, run in the config directory with LASTGOOD_INCIDENT, LASTGOOD_INCIDENT_TYPE and LASTGOOD_SCOPE set.',
  ),
  timeout: positiveDurationSchema().prefault('2m').describe('Timeout of the command.'),
  on_failure: onFailure('stop'),
}

const hookStep = <S extends 'isolate' | 'stop_writes'>(step: S, what: string) =>
  strictObject({ step: z.literal(step).describe(what), ...hookShape })

const runbookStepSchema = z
  .discriminatedUnion(
    'step',
    [
      strictObject({
        step: z
          .literal('preserve_evidence')
          .describe(
            'An emergency snapshot of every app in scope and copies of the given logs; its hash goes to the audit chain before anything changes.',
          ),
        logs: z
          .array(textSchema('a file or directory path'), { error: expected('a list of paths') })
          .default([])
          .describe('Log files or directories kept as evidence; relative to the config file.'),
        on_failure: onFailure('stop'),
      }),
      hookStep('isolate', 'Isolates the platform: maintenance mode, block traffic (a command hook).'),
      hookStep('stop_writes', 'Stops writes before data is restored (a command hook).'),
      strictObject({
        step: z.literal('command').describe('Any other command hook.'),
        name: nameSchema('flush-cache').describe('Name of the step, shown on the timeline.'),
        ...hookShape,
      }),
      strictObject({
        step: z.literal('notify').describe('Tells channels about the incident now.'),
        channels: z
          .array(nameSchema('security'), { error: expected('a list of channel names') })
          .min(1, { error: 'expected at least one channel, got none' })
          .describe('Channels to tell; they hear every later update too.'),
        on_failure: onFailure('continue'),
      }),
      strictObject({
        step: z
          .literal('breach_assessment')
          .describe(
            'Starts the breach-assessment clock (HIPAA 164.404: notification within 60 days of discovery): the deadline is recorded on the incident, its channels are told now and reminded as it nears.',
          ),
        notify: channelNames('Channels told now and reminded before the deadline (the compliance officer); empty: the incident audience.'),
        deadline: positiveDurationSchema()
          .prefault('60d')
          .describe('Time from discovery by which the assessment must be done (HIPAA 164.404: 60 days).'),
        remind: z
          .array(positiveDurationSchema(), { error: expected('a list of durations before the deadline') })
          .prefault(['30d', '14d', '7d', '1d'])
          .describe('Reminders this long before the deadline, once each; one more at the deadline itself.'),
        escalate_within: durationSchema()
          .prefault('7d')
          .describe(
            'From this close to the deadline, reminders also go to everyone told about the incident, and an open incident is raised one level (once).',
          ),
        on_failure: onFailure('continue'),
      }),
      strictObject({
        step: z.literal('rollback').describe('Rolls every app in scope back to its last known good state (one run, priority order).'),
        components: z
          .array(nameSchema('release'), { error: expected('a list of component names') })
          .optional()
          .describe('Only these components; default all.'),
        on_failure: onFailure('stop'),
      }),
      strictObject({
        step: z.literal('restore_data').describe('Rolls back the data components (`data: true`) of every app in scope.'),
        on_failure: onFailure('stop'),
      }),
      strictObject({
        step: z
          .literal('recover')
          .describe('Recovers every app in scope in priority order, each validated before the next, with a result per app.'),
        on_failure: onFailure('continue'),
      }),
    ],
    {
      error: expected(
        'a runbook step, one of preserve_evidence, isolate, stop_writes, command, notify, breach_assessment, rollback, restore_data, recover',
      ),
    },
  )
  .describe('One step of a runbook; `step` says which.')

export type RunbookStepYaml = z.output<typeof runbookStepSchema>

export const runbooksSchema = keyedRecord(
  INCIDENT_TYPES,
  z.array(runbookStepSchema, { error: expected('a list of runbook steps') }),
  'runbooks by incident type',
  'incident type',
)
  .default({})
  .superRefine((books, ctx) => {
    for (const [type, steps] of Object.entries<RunbookStepYaml[]>(books)) {
      const evidence = steps.findIndex((s) => s.step === 'preserve_evidence')
      if (evidence <= 0) continue
      // Telling people (and starting the legal clock) changes nothing on the platform: allowed before evidence.
      const change = steps.findIndex((s) => s.step !== 'notify' && s.step !== 'breach_assessment')
      if (change < evidence) {
        ctx.addIssue({
          code: 'custom',
          path: [type, change, 'step'],
          message: `expected preserve_evidence before ${steps[change]!.step}: evidence is kept before anything is changed`,
        })
      }
    }
  })
  .describe('What declaring an incident of each type does; a type left out uses the built-in runbook (docs/disaster-recovery.md).')
