/* eslint-disable @typescript-eslint/no-explicit-any -- a migration runs on the schema of its day, not today's Database type (as Kysely advises) */
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely'

/**
 * Migrations live in code (not files) so the compiled CLI carries them. Each one is written with the
 * portable schema builder, so SQLite and PostgreSQL run the same list. Never edit a released migration:
 * add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('snapshots')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('health', 'text', (c) => c.notNull())
        .addColumn('health_detail', 'text', (c) => c.notNull())
        .addColumn('known_good', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('marked_good_by', 'text')
        .addColumn('marked_good_at', 'text')
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('pruned_at', 'text')
        .execute()
      await db.schema.createIndex('snapshots_app_created').on('snapshots').columns(['app', 'created_at']).execute()

      await db.schema
        .createTable('rollback_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('apps', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('owner_host', 'text', (c) => c.notNull())
        .addColumn('owner_pid', 'integer', (c) => c.notNull())
        .addColumn('report', 'text')
        .execute()

      await db.schema
        .createTable('rollback_steps')
        .addColumn('run_id', 'text', (c) => c.notNull().references('rollback_runs.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('component', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('detail', 'text')
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('rollback_steps_pk', ['run_id', 'seq'])
        .execute()

      await db.schema
        .createTable('locks')
        .addColumn('target', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('owner_host', 'text', (c) => c.notNull())
        .addColumn('owner_pid', 'integer', (c) => c.notNull())
        .addColumn('token', 'integer', (c) => c.notNull())
        .addColumn('acquired_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute()
      await sql`insert into counters (name, value) values ('lock_token', 0)`.execute(db)
    },
  },
  // A run records its plan when it begins, so an interrupted run can be resumed as planned (targets,
  // components, order) instead of re-planned against a half-rolled-back state. Null for earlier runs.
  '0002-rollback-run-plan': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('rollback_runs').addColumn('plan', 'text').execute()
    },
  },
  // The monitor keeps what it must not forget across a restart: each trigger's state (a pending `for` keeps
  // its start), each app's cooldown, its own heartbeat (how long it was away), the rollbacks an `alert`
  // trigger proposed, and the incidents an `escalate` trigger opened.
  '0003-monitor': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('monitor_triggers')
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('streak', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('value', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('monitor_triggers_pk', ['app', 'trigger'])
        .execute()
      await db.schema
        .createTable('monitor_apps')
        .addColumn('app', 'text', (c) => c.primaryKey())
        .addColumn('cooldown_until', 'text')
        .addColumn('automatic_rollbacks', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_run', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('monitor_heartbeats')
        .addColumn('monitor', 'text', (c) => c.primaryKey())
        .addColumn('apps', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .addColumn('stopped_at', 'text')
        .execute()
      await db.schema
        .createTable('pending_rollbacks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('resolved_by', 'text')
        .addColumn('resolved_at', 'text')
        .addColumn('run_id', 'text')
        .execute()
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('opened_by', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .execute()
    },
  },
  '0004-recovery': {
    async up(db: Kysely<any>) {
      for (const [column, type, notNull] of [
        ['level', 'integer', true],
        ['level_at', 'text', false],
        ['audience', 'text', true],
        ['summary', 'text', false],
        ['resolved_by', 'text', false],
        ['updated_at', 'text', false],
        ['next_update_at', 'text', false],
        ['recovery_target', 'text', false],
      ] as const) {
        await db.schema
          .alterTable('incidents')
          .addColumn(column, type, (c) => (notNull ? c.notNull().defaultTo(column === 'level' ? 0 : '[]') : c))
          .execute()
      }
      await db.schema
        .createTable('incident_timeline')
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_timeline_pk', ['incident_id', 'seq'])
        .execute()
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .execute()
      await db.schema.createIndex('notifications_due').on('notifications').columns(['status', 'next_attempt_at']).execute()
      await db.schema
        .createTable('continuity_activations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('down_apps', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('breached_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('incident_id', 'text')
        .execute()
      await db.schema.alterTable('snapshots').addColumn('platform_snapshot', 'text').execute()
      await db.schema.createIndex('snapshots_platform').on('snapshots').column('platform_snapshot').execute()
    },
  },
  // Which release a rollback moved away from, so no automatic rollback restores it again. Runs that restored
  // an app before this migration are read from their reports: their `rollback.app` events are the audit record.
  '0005-rollback-targets': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rejected_releases')
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('rejected_at', 'text', (c) => c.notNull())
        .addColumn('rejected_by', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('cleared_at', 'text')
        .addColumn('cleared_by', 'text')
        .addPrimaryKeyConstraint('rejected_releases_pk', ['app', 'component', 'version', 'run_id'])
        .execute()
      const runs = await db
        .selectFrom('rollback_runs')
        .select(['id', 'actor', 'reason', 'started_at', 'ended_at', 'report'])
        .where('report', 'is not', null)
        .orderBy('started_at')
        .execute()
      for (const run of runs) {
        type Moved = { app: string; outcome: string; from?: Record<string, string>; to?: Record<string, string> }
        const report = JSON.parse(run.report as string) as { apps?: Moved[] }
        for (const a of report.apps ?? []) {
          if (a.outcome !== 'restored') continue
          for (const [component, version] of Object.entries(a.from ?? {})) {
            if (a.to?.[component] === undefined || a.to[component] === version) continue
            await db
              .insertInto('rejected_releases')
              .values({
                app: a.app,
                component,
                version,
                run_id: run.id,
                rejected_at: run.ended_at ?? run.started_at,
                rejected_by: run.actor,
                reason: run.reason,
                cleared_at: null,
                cleared_by: null,
              })
              .execute()
          }
        }
      }
    },
  },
  '0007-notification-order': {
    // Per channel and dedup key (one incident), messages go out in the order they were queued: seq is that
    // order (the writer lock serialises queuing), dedup_key the message's. Rows queued before are numbered
    // by their queuing time.
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('notifications')
        .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
      await db.schema
        .alterTable('notifications')
        .addColumn('dedup_key', 'text', (c) => c.notNull().defaultTo(''))
        .execute()
      const rows = await db.selectFrom('notifications').select(['id', 'message']).orderBy('created_at').orderBy('id').execute()
      for (const [i, r] of rows.entries()) {
        const dedupKey = String((JSON.parse(r.message as string) as { dedupKey?: string }).dedupKey ?? '')
        await db
          .updateTable('notifications')
          .set({ seq: i + 1, dedup_key: dedupKey })
          .where('id', '=', r.id)
          .execute()
      }
      await db.schema.createIndex('notifications_order').on('notifications').columns(['channel', 'dedup_key', 'seq']).execute()
    },
  },
  // Identities (issue 13): local accounts, the failed logins that lock one, API tokens and login sessions.
  // Secrets are never stored: passwords as argon2id hashes, token secrets and session ids as SHA-256.
  '0008-identities': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('password_changed_at', 'text')
        .addColumn('locked_until', 'text')
        .addColumn('disabled_at', 'text')
        .addColumn('disabled_by', 'text')
        .addColumn('disabled_reason', 'text')
        .execute()
      await db.schema
        .createTable('login_failures')
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('login_failures_user').on('login_failures').columns(['user_name', 'at']).execute()
      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text')
        .addColumn('revoked_reason', 'text')
        .execute()
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute()
      await db.schema.createIndex('sessions_user').on('sessions').column('user_name').execute()
    },
  },
  // Approvals and break-glass (issue 13): a request bound to one plan by its hash, each person's decision on
  // it, the emergency grants that skip approval for an hour, and the reviews those (and emergency rows) open.
  '0009-approvals': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('requester', 'text', (c) => c.notNull())
        .addColumn('scenario', 'text', (c) => c.notNull())
        .addColumn('apps', 'text', (c) => c.notNull())
        .addColumn('plan_hash', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('target_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('required_approvers', 'integer', (c) => c.notNull())
        .addColumn('asked', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('escalated_at', 'text')
        .addColumn('executed_at', 'text')
        .addColumn('run_id', 'text')
        .addColumn('outcome', 'text')
        .execute()
      await db.schema.createIndex('approvals_status').on('approvals').columns(['status', 'created_at']).execute()
      await db.schema
        .createTable('approval_decisions')
        .addColumn('approval_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('approval_decisions_pk', ['approval_id', 'actor'])
        .execute()
      await db.schema
        .createTable('break_glass_grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('apps', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('break_glass_grants_actor').on('break_glass_grants').columns(['actor', 'expires_at']).execute()
      await db.schema
        .createTable('reviews')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('apps', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('closed_by', 'text')
        .addColumn('note', 'text')
        .execute()
    },
  },
  // Deploy freezes (issue 14): until a freeze ends or is lifted, `lastgood preflight` refuses its app's deploys.
  '0010-deploy-freezes': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('deploy_freezes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('until', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('frozen_by', 'text', (c) => c.notNull())
        .addColumn('frozen_at', 'text', (c) => c.notNull())
        .addColumn('lifted_at', 'text')
        .addColumn('lifted_by', 'text')
        .addColumn('lift_reason', 'text')
        .execute()
      await db.schema.createIndex('deploy_freezes_app').on('deploy_freezes').columns(['app', 'until']).execute()
    },
  },
  // Post-mortem action items (issue 14): a follow-up of an incident with an owner and a due time, done once,
  // and told once when overdue.
  '0011-action-items': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('action_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('done_at', 'text')
        .addColumn('done_by', 'text')
        .addColumn('note', 'text')
        .addColumn('overdue_notified_at', 'text')
        .execute()
      await db.schema.createIndex('action_items_incident').on('action_items').columns(['incident_id', 'created_at']).execute()
      await db.schema.createIndex('action_items_open').on('action_items').columns(['done_at', 'due_at']).execute()
    },
  },
  // Breach assessments (issue 14): the legal clock a suspected breach starts, its reminders and its outcome.
  '0012-breach-assessments': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('breach_assessments')
        .addColumn('incident_id', 'text', (c) => c.primaryKey())
        .addColumn('discovered_at', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('channels', 'text', (c) => c.notNull())
        .addColumn('reminders', 'text', (c) => c.notNull())
        .addColumn('reminded', 'integer', (c) => c.notNull())
        .addColumn('escalate_at', 'text', (c) => c.notNull())
        .addColumn('escalated_at', 'text')
        .addColumn('outcome', 'text')
        .addColumn('assessed_at', 'text')
        .addColumn('assessed_by', 'text')
        .addColumn('assessment', 'text')
        .execute()
    },
  },
  // Schedules (issue 14): how far each schedule's due times have been handled, so a restarted server knows
  // which passed while it was down; and every run, missed time and skipped overlap, for status and /metrics.
  '0013-schedules': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('schedule_cursors')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('handled_until', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('schedule_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('last_due_at', 'text', (c) => c.notNull())
        .addColumn('occurrences', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('summary', 'text')
        .addColumn('owner_host', 'text', (c) => c.notNull())
        .addColumn('owner_pid', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('schedule_runs_schedule').on('schedule_runs').columns(['schedule', 'started_at']).execute()
    },
  },
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
