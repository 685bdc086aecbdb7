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
}

export interface RollbackRunTable {
  id: string
  /** JSON: string[] in execution order */
  apps: string
  /** 'running' | 'succeeded' | 'failed' | 'interrupted' (taken over) | 'abandoned' (a person gave it up) */
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
