/**
 * Table types. Times are ISO-8601 strings with milliseconds (portable between SQLite and PostgreSQL and
 * sortable as text); booleans are 0/1 integers; structured details are JSON text.
 */
export interface Database {
  snapshots: SnapshotTable
  rollback_runs: RollbackRunTable
  rollback_steps: RollbackStepTable
  locks: LockTable
  audit_events: AuditEventTable
  counters: CounterTable
  monitor_triggers: MonitorTriggerTable
  monitor_apps: MonitorAppTable
  monitor_heartbeats: MonitorHeartbeatTable
  pending_rollbacks: PendingRollbackTable
  incidents: IncidentTable
  incident_timeline: IncidentTimelineTable
  notifications: NotificationTable
  continuity_activations: ContinuityActivationTable
  rejected_releases: RejectedReleaseTable
  users: UserTable
  login_failures: LoginFailureTable
  tokens: TokenTable
  sessions: SessionTable
  approvals: ApprovalTable
  approval_decisions: ApprovalDecisionTable
  break_glass_grants: BreakGlassGrantTable
  reviews: ReviewTable
  deploy_freezes: DeployFreezeTable
  action_items: ActionItemTable
  breach_assessments: BreachAssessmentTable
  schedule_cursors: ScheduleCursorTable
  schedule_runs: ScheduleRunTable
}

export interface IncidentTimelineTable {
  incident_id: string
  /** 1, 2, 3… per incident, in the order things happened */
  seq: number
  at: string
  /** e.g. incident.declared, runbook.step, rollback.done, notification.sent, notification.failed, note, escalation */
  kind: string
  actor: string
  message: string
  /** JSON */
  data: string
}

/** The outbox: a message is stored before any attempt, so a crash or a dead channel never loses it. */
export interface NotificationTable {
  /** Also the delivery id the receiver sees (stable across retries). */
  id: string
  incident_id: string | null
  channel: string
  /** Template name (notify/templates.ts) */
  kind: string
  /** JSON Message (channels/message.ts) */
  message: string
  /** 'pending' | 'sent' | 'failed' (gave up) */
  status: string
  attempts: number
  next_attempt_at: string
  /** host:pid of the process delivering it now, until claimed_until */
  claimed_by: string | null
  claimed_until: string | null
  last_error: string | null
  created_at: string
  sent_at: string | null
  /** Queuing order (0007): per channel and dedup_key, a message goes out only after every earlier one. */
  seq: number
  /** The message's dedup key: its incident's, else its kind's (PagerDuty's dedup_key). */
  dedup_key: string
}

export interface ContinuityActivationTable {
  id: string
  plan: string
  /** Why it activated: an app seen down, or an incident's escalation. */
  reason: string
  /** JSON string[]: the plan's apps that are down now */
  down_apps: string
  started_at: string
  breached_at: string | null
  ended_at: string | null
  /** The incident it escalated or belongs to */
  incident_id: string | null
}

export interface MonitorTriggerTable {
  app: string
  trigger: string
  /** 'inactive' | 'pending' | 'firing' | 'no-data' */
  state: string
  /** When the current state began: for 'pending', when the condition started to hold. */
  since: string
  /** health_failures: consecutive failed rounds so far. */
  streak: number
  /** JSON: the last measurement that changed the state */
  value: string | null
  updated_at: string
}

export interface MonitorAppTable {
  app: string
  /** After an automatic rollback: until then, a firing rollback trigger means the restored state is bad too. */
  cooldown_until: string | null
  /** Automatic rollbacks in a row, each within the cooldown of the one before. */
  automatic_rollbacks: number
  last_run: string | null
  updated_at: string
}

export interface MonitorHeartbeatTable {
  /** host:pid */
  monitor: string
  /** JSON: string[] */
  apps: string
  started_at: string
  heartbeat_at: string
  stopped_at: string | null
}

export interface PendingRollbackTable {
  id: string
  app: string
  trigger: string
  /** Snapshot the rollback would restore, when one could be planned. */
  target: string | null
  reason: string
  created_at: string
  /** 'pending' | 'done' | 'dismissed' */
  status: string
  resolved_by: string | null
  resolved_at: string | null
  run_id: string | null
}

export interface IncidentTable {
  id: string
  type: string
  severity: string
  /** 'declared' | 'mitigating' | 'monitoring' | 'resolved' */
  status: string
  /** JSON: string[] of apps */
  scope: string
  reason: string
  opened_at: string
  opened_by: string
  /** JSON */
  details: string
  resolved_at: string | null
  /** 0 before the first level is applied; then 1, 2, 3… */
  level: number
  level_at: string | null
  /** JSON string[]: channels told so far; every later update goes to all of them. */
  audience: string
  summary: string | null
  resolved_by: string | null
  updated_at: string | null
  /** When the next periodic status update is due */
  next_update_at: string | null
  /** Platform snapshot (or snapshot) a complete-system recovery restores; null: last known good per app */
  recovery_target: string | null
}

export interface SnapshotTable {
  id: string
  app: string
  kind: string
  label: string | null
  created_at: string
  actor: string
  /** 'passed' | 'failed' | 'unknown' (no health checks configured) */
  health: string
  health_detail: string
  known_good: number
  marked_good_by: string | null
  marked_good_at: string | null
  /** JSON: SnapshotComponent[] */
  components: string
  /** Set when retention removed the snapshot from the repository; the row stays for history. */
  pruned_at: string | null
  /** Shared by the snapshots of one `snapshot create --all`: every app at the same moment. */
  platform_snapshot: string | null
}

/**
 * A component version a rollback moved away from (one row per run that did): never restored again unless a
 * person names it (`--to`) or clears the mark (`snapshot mark-good`). The rule reads the versions, so a later
 * snapshot that captures the same release again is no automatic target either.
 */
export interface RejectedReleaseTable {
  app: string
  component: string
  version: string
  /** The rollback run that moved away from it */
  run_id: string
  rejected_at: string
  rejected_by: string
  reason: string
  /** Set when a person vouched for a snapshot holding it again */
  cleared_at: string | null
  cleared_by: string | null
}

export interface RollbackRunTable {
  id: string
  /** JSON: string[] in execution order */
  apps: string
  /**
   * 'running' | 'succeeded' | 'failed' | 'interrupted' (taken over, or stopped by a signal after it changed
   * something) | 'abandoned' (a person gave it up) | 'superseded' (a resume found a release deployed since) |
   * 'not-started' (stopped by a signal before it changed anything)
   */
  status: string
  reason: string
  actor: string
  started_at: string
  ended_at: string | null
  owner_host: string
  owner_pid: number
  /** JSON report, written when the run ends */
  report: string | null
  /** JSON PersistedPlan (src/rollback/persisted-plan.ts), written when the run begins; null before 0002 */
  plan: string | null
}

export interface RollbackStepTable {
  run_id: string
  seq: number
  app: string
  name: string
  component: string | null
  /** 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted' (its process died; redone on resume) */
  status: string
  started_at: string
  ended_at: string | null
  /** JSON */
  detail: string | null
  error: string | null
}

export interface LockTable {
  target: string
  run_id: string
  owner_host: string
  owner_pid: number
  /** Fencing token: grows with every acquisition, so a holder whose lock was taken over can tell. */
  token: number
  acquired_at: string
  expires_at: string
}

export interface AuditEventTable {
  seq: number
  ts: string
  actor: string
  action: string
  target: string
  reason: string | null
  outcome: string
  details: string
  prev_hash: string
  hash: string
}

export interface CounterTable {
  name: string
  value: number
}

/** A local account (0008). Disabled accounts stay, so the audit trail's names keep meaning someone. */
export interface UserTable {
  name: string
  /** A role of auth.roles */
  role: string
  /** argon2id PHC string; null for an account that cannot log in with a password */
  password_hash: string | null
  created_at: string
  created_by: string
  password_changed_at: string | null
  /** Set when auth.lockout.failures failed logins came within auth.lockout.within: no login until then. */
  locked_until: string | null
  disabled_at: string | null
  disabled_by: string | null
  disabled_reason: string | null
}

/** One failed login of an existing account; cleared by a success and when the account locks. */
export interface LoginFailureTable {
  user_name: string
  at: string
}

/** An API token. Its secret is shown once and kept only as a SHA-256 hash. */
export interface TokenTable {
  /** The public part of the token (`lgt_<id>_<secret>`): finds the row without scanning. */
  id: string
  /** Unique for ever: a revoked token's name is not given again, so the audit trail stays unambiguous. */
  name: string
  user_name: string
  /** SHA-256 hex of the whole token */
  secret_hash: string
  /** Role ceiling: the token may do what its user's role and this role both allow; null: the user's role. */
  role: string | null
  created_at: string
  created_by: string
  expires_at: string
  /** Written at most once a minute */
  last_used_at: string | null
  revoked_at: string | null
  revoked_by: string | null
  revoked_reason: string | null
}

/** A login session of the API. The cookie holds the id; only its SHA-256 is kept. */
export interface SessionTable {
  id_hash: string
  user_name: string
  /** 'password' | 'oidc' */
  method: string
  /** The role at login (an identity provider's mapping); a local account's current role is read at each use. */
  role: string
  created_at: string
  /** Written at most once a minute: the idle timeout counts from here. */
  last_seen_at: string
  revoked_at: string | null
}

/** An approval request (0009): one plan, bound by its hash, waiting for the people the decision matrix names. */
export interface ApprovalTable {
  id: string
  requester: string
  scenario: string
  /** JSON array of app names */
  apps: string
  /** SHA-256 hex of the plan's canonical form (approvals/plan-hash.ts) */
  plan_hash: string
  /** JSON: the plan's canonical form, shown to approvers and compared on execution */
  plan: string
  /** JSON: what the requester asked for (apps, --to, --component, --scenario), to plan it again */
  request: string
  /** JSON: the decision matrix's decision */
  decision: string
  reason: string
  created_at: string
  /** When the decision matrix wants it done (created_at + the row's target): escalated then if undecided */
  target_at: string
  expires_at: string
  /** 1, or 2 under an app's two-person rule */
  required_approvers: number
  /** JSON: the roles holding the permission and the channels told */
  asked: string
  /** pending | approved | rejected | expired | executed | stale */
  status: string
  decided_at: string | null
  escalated_at: string | null
  executed_at: string | null
  run_id: string | null
  /** The run's status once it ended (succeeded, failed, interrupted, not-started) */
  outcome: string | null
}

/** One person's decision on a request: a person decides a request once. */
export interface ApprovalDecisionTable {
  approval_id: string
  actor: string
  /** approve | reject */
  verdict: string
  reason: string
  at: string
}

/** Emergency access (break-glass): its actor's actions on its apps skip approval until expires_at. */
export interface BreakGlassGrantTable {
  id: string
  actor: string
  /** JSON array of app names */
  apps: string
  reason: string
  opened_at: string
  expires_at: string
}

/** A review a holder of `review` other than the actor closes with a note: of a break-glass grant or an emergency run. */
export interface ReviewTable {
  id: string
  /** break-glass | emergency */
  kind: string
  /** The grant id or the run id reviewed */
  subject: string
  actor: string
  /** JSON array of app names */
  apps: string
  reason: string
  opened_at: string
  closed_at: string | null
  closed_by: string | null
  note: string | null
}

/** A deploy freeze (0010): `preflight` refuses its app's deploys until `until`, unless lifted before. */
export interface DeployFreezeTable {
  id: string
  /** An app's name, or `all` */
  app: string
  until: string
  reason: string
  frozen_by: string
  frozen_at: string
  lifted_at: string | null
  lifted_by: string | null
  lift_reason: string | null
}

/** A post-mortem action item (0011): a follow-up of an incident someone owns, due at a time. */
export interface ActionItemTable {
  /** act-<time>-<random> */
  id: string
  incident_id: string
  text: string
  owner: string
  due_at: string
  created_at: string
  created_by: string
  done_at: string | null
  done_by: string | null
  /** What the person who closed it said */
  note: string | null
  /** Set once, when the scheduler told the incident's audience it is overdue */
  overdue_notified_at: string | null
}

/** The breach-assessment clock of an incident (recovery/breach-assessment.ts); outcome null while it runs. */
export interface BreachAssessmentTable {
  incident_id: string
  discovered_at: string
  due_at: string
  /** JSON array of channel names reminded; empty: the incident's audience */
  channels: string
  /** JSON array of ISO times, ascending: each reminder's, the deadline last */
  reminders: string
  /** How many of `reminders` have passed and been handled */
  reminded: number
  /** From then on reminders go to the whole audience and an open incident is raised one level */
  escalate_at: string
  escalated_at: string | null
  /** notified | not-a-breach */
  outcome: string | null
  assessed_at: string | null
  assessed_by: string | null
  /** Why: the risk assessment's conclusion, or how the individuals were notified */
  assessment: string | null
}

/** How far a schedule's due times are handled (0013): each due time up to handled_until was run, skipped or recorded missed. */
export interface ScheduleCursorTable {
  name: string
  /** The cron expression and time zone it was counted for: another schedule under the same name starts afresh. */
  spec: string
  handled_until: string
}

/** A schedule's run, or due times it missed (while no server ran) or skipped (its previous run still going). */
export interface ScheduleRunTable {
  id: string
  schedule: string
  /** snapshot-create | snapshot-prune | snapshot-verify | drill */
  job: string
  /** running | succeeded | failed | interrupted | missed | skipped */
  outcome: string
  /** The due time it ran for; of a missed or skipped row, the first such time */
  due_at: string
  /** The last due time the row stands for (due_at, but for several missed or skipped times) */
  last_due_at: string
  /** Due times the row stands for: 1 for a run */
  occurrences: number
  started_at: string
  ended_at: string | null
  /** What it did, or its error, in one line */
  summary: string | null
  /** host and pid of the process running it: a run left `running` by a dead process is interrupted */
  owner_host: string
  owner_pid: number
}
