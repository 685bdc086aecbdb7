/**
 * The configuration as the rest of lastgood sees it: defaults merged into every app, durations in
 * milliseconds, paths absolute. The YAML (snake_case, with units) is validated by schema.ts and turned into
 * these types by resolve-config.ts; nothing outside config/ reads the raw YAML shape.
 */

import type { ResolvedComponent } from '../providers/registry.js'
import type { SourceKind, SourceSettings } from '../metrics/source-registry.js'
import type { ResolvedChannel } from '../channels/channel-registry.js'
import type { IncidentType, TemplateName } from '../config-parts/incident-vocabulary.js'
import type { ResolvedHealth } from '../health/health-config.js'
import type { Environment, ResolvedDecisionRow, Scenario } from '../config-parts/decision-vocabulary.js'
import type { ResolvedAuth } from '../auth/auth-config.js'
import type { ScheduleJob } from '../schedules/cron.js'

/** Each metric source's top-level settings (`prometheus`, present when some trigger reads it) come from its factory. */
export interface ResolvedConfig extends SourceSettings {
  /** Absolute path of the configuration file. */
  file: string
  /** Directory of the configuration file; relative paths resolve against it. */
  dir: string
  platform: string
  /** Absolute; holds state.db, repo/ and the repository key file. */
  stateDir: string
  /** PostgreSQL state shared by several replicas; absent: SQLite in stateDir. */
  database?: { url: string; schema: string }
  repository: {
    path: string
    /** Used when LASTGOOD_PASSWORD is not set. */
    keyFile: string
    compressionLevel: number
  }
  audit: {
    /** Absolute; where a copy of every audit checkpoint is appended, when configured. */
    checkpointFile?: string
  }
  monitor: ResolvedMonitor
  objectives: { rtoMs: number; rpoMs: number }
  /** Sorted by recovery priority (lowest number first), then by name. */
  apps: ResolvedApp[]
  notifications: ResolvedNotifications
  /** Level 1 first; level n is reached `afterMs` after the declaration. */
  escalation: ResolvedEscalationLevel[]
  continuity: ResolvedContinuityPlan[]
  /** The configured runbooks only; recovery/ supplies the built-in one of a type left out. */
  runbooks: Partial<Record<IncidentType, ResolvedRunbookStep[]>>
  environment: Environment
  /** A row for every scenario; absent: no action needs an approval (decisions/decide.ts). */
  decisionMatrix?: Record<Scenario, ResolvedDecisionRow>
  approvals: { expireAfterMs: number }
  /** Jobs `lastgood serve` runs on a cron schedule, in name order. */
  schedules: ResolvedSchedule[]
  /** Roles, sessions, lockout (auth/auth-config.ts). */
  auth: ResolvedAuth
}

/** Each channel kind's resolved configuration is its own (channels/<kind>/); the registry unites them. */
export type { ResolvedChannel } from '../channels/channel-registry.js'

export interface ResolvedNotifications {
  channels: ResolvedChannel[]
  /** Channels told about every incident from its declaration on. */
  incidents: string[]
  timeoutMs: number
  retry: { attempts: number; backoffMs: number; maxBackoffMs: number }
  /** 0: no periodic status updates. */
  statusUpdateMs: number
  /** Overrides only; notify/templates.ts has the defaults. */
  templates: Partial<Record<TemplateName, string>>
}

export interface ResolvedEscalationLevel {
  /** 1, 2, 3… */
  level: number
  afterMs: number
  notify: string[]
  activateContinuity: boolean
  actions: string[]
}

export interface ResolvedContinuityPlan {
  name: string
  function: string
  apps: string[]
  fallback: string
  maxDowntimeMs: number
  notify: string[]
}

export type RunbookOnFailure = 'stop' | 'continue'

export type ResolvedRunbookStep =
  | { kind: 'preserve_evidence'; logs: string[]; onFailure: RunbookOnFailure }
  /** isolate, stop_writes or a named command: a shell command run in the config directory. */
  | { kind: 'hook'; name: string; run: string; timeoutMs: number; onFailure: RunbookOnFailure }
  | { kind: 'notify'; channels: string[]; onFailure: RunbookOnFailure }
  /** Starts the breach-assessment clock: due deadlineMs after discovery, reminders remindMs before it (descending). */
  | {
      kind: 'breach_assessment'
      notify: string[]
      deadlineMs: number
      remindMs: number[]
      escalateWithinMs: number
      onFailure: RunbookOnFailure
    }
  | { kind: 'rollback'; components?: string[]; onFailure: RunbookOnFailure }
  | { kind: 'restore_data'; onFailure: RunbookOnFailure }
  | { kind: 'recover'; onFailure: RunbookOnFailure }

interface ScheduleBase {
  name: string
  /** A cron expression croner reads: five fields, or six with seconds first. */
  cron: string
  /** IANA time zone the expression is read in. */
  timezone: string
  /** Told when a run fails or was missed (notifications.incidents unless the schedule says). */
  notify: string[]
}

/** A scheduled job, with what its command would be given; `apps` empty: every app. */
export type ResolvedSchedule = ScheduleBase &
  (
    | { job: Extract<ScheduleJob, 'snapshot-create' | 'snapshot-prune'>; apps: string[] }
    | { job: 'snapshot-verify'; readData: boolean }
    | { job: 'drill'; scenarios: string[] }
  )

export interface ResolvedMonitor {
  /** After an automatic rollback, a rollback trigger that fires within this long does onRestoredFailure. */
  cooldownMs: number
  onRestoredFailure: 'escalate' | 'roll_back_further'
  /** With roll_back_further: automatic rollbacks in a row before escalating. */
  maxAutomaticRollbacks: number
  /** Default soak of `lastgood watch`. */
  watchForMs: number
}

export type TriggerAction = 'rollback' | 'alert' | 'escalate'

interface TriggerBase {
  name: string
  action: TriggerAction
  /** The decision matrix's row for what it does. */
  scenario: Scenario
  /** The condition must hold at every evaluation for this long before the trigger fires; 0 fires at once. */
  forMs: number
}

interface WindowedTrigger extends TriggerBase {
  /** Each evaluation measures over this window ending now. */
  windowMs: number
  source: SourceKind
}

export type ResolvedTrigger =
  | (TriggerBase & { kind: 'health_failures'; consecutive: number })
  /** `overRequests`: over the last N requests instead of the window (probes only). */
  | (WindowedTrigger & { kind: 'error_rate'; above: number; overRequests?: number })
  | (WindowedTrigger & { kind: 'latency'; percentile: number; aboveMs: number })
  | (WindowedTrigger & { kind: 'availability'; below: number })
  | (TriggerBase & { kind: 'promql'; query: string; above?: number; below?: number })

export interface ResolvedApp {
  name: string
  description?: string
  /** Recovery priority: 1 is restored first. */
  priority: number
  health: ResolvedHealth
  /** In configuration order, which is the restore order. */
  components: ResolvedComponent[]
  retention: { keepLast: number; keepWithinMs: number }
  rollback: {
    timeoutMs: number
    validation: { windowMs: number; passes: number; intervalMs: number }
  }
  /** Defaults merged with the app's own, by name; in name order. */
  triggers: ResolvedTrigger[]
  /** PromQL label matchers (no braces) that select this app's series. */
  prometheusSelector: string
  /** Different people who must approve an action on it, where the matrix asks for approval. */
  approvals: 1 | 2
}

export type { ResolvedComponent }
