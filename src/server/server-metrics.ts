import type { Registry } from 'prom-client'
import { countPendingApprovals } from '../approvals/approval-store.js'
import type { HealthRound } from '../health/probe-health.js'
import { loadTriggerStates, triggerKey } from '../monitor/monitor-store.js'
import { pendingCount } from '../notify/outbox-store.js'
import type { Platform } from '../platform/platform.js'
import { listIncidents } from '../recovery/incident-store.js'
import { newestSnapshotTimes } from '../snapshots/snapshot-record.js'
import { scheduleStatuses, type ScheduleStatus } from '../schedules/schedule-status.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import { promClient } from './server-packages.js'

/** Every name starts with it, Node's default metrics included. */
export const METRIC_PREFIX = 'lastgood_'

const TRIGGER_PHASES = ['inactive', 'pending', 'firing', 'no-data'] as const

export interface ServerMetrics {
  readonly registry: Registry
  /** A rollback that ended (or stopped): its outcome, its duration, and the duration of each step of this attempt. */
  observeRollback(report: RollbackReport): void
  /** An app's health round: each probe's latency, and the time of the monitor's last round. */
  observeRound(app: string, round: HealthRound): void
}

/**
 * The Prometheus metrics of one `lastgood serve` process, in a registry of their own. Counters and histograms
 * are fed by what this process sees happen (the monitor's rounds and rollbacks); gauges read the state database
 * when scraped, so they show what every process sharing the state did.
 */
export function createServerMetrics(p: Platform): ServerMetrics {
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = promClient
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX })

  const rollbacks = new Counter({
    name: `${METRIC_PREFIX}rollbacks_total`,
    help: 'Rollback runs that ended, by outcome (succeeded, failed, interrupted, not-started)',
    labelNames: ['outcome'],
    registers,
  })
  const rollbackSeconds = new Histogram({
    name: `${METRIC_PREFIX}rollback_duration_seconds`,
    help: 'Duration of a rollback run (this attempt), by outcome',
    labelNames: ['outcome'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
    registers,
  })
  const stepSeconds = new Histogram({
    name: `${METRIC_PREFIX}rollback_step_duration_seconds`,
    help: 'Duration of a rollback step, by step (verify, safety-snapshot, restore, validate, revert, revert-validate) and status',
    labelNames: ['step', 'status'],
    buckets: [0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
    registers,
  })
  const probeSeconds = new Histogram({
    name: `${METRIC_PREFIX}probe_latency_seconds`,
    help: "Latency of the monitor's health probes, by app and check",
    labelNames: ['app', 'check'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  })
  const lastRound = new Gauge({
    name: `${METRIC_PREFIX}monitor_last_round_timestamp_seconds`,
    help: 'When the monitor in this process last completed a health round of any app (unix seconds; 0 before the first)',
    registers,
  })
  new Gauge({
    name: `${METRIC_PREFIX}trigger_state`,
    help: 'Each configured trigger: 1 for the state it is in (inactive, pending, firing, no-data), 0 for the others',
    labelNames: ['app', 'trigger', 'state'],
    registers,
    async collect() {
      const apps = p.config.apps
      const saved = await loadTriggerStates(
        p.state.db,
        apps.map((a) => a.name),
      )
      this.reset()
      for (const app of apps) {
        for (const t of app.triggers) {
          const phase = saved.get(triggerKey(app.name, t.name))?.phase ?? 'inactive'
          for (const state of TRIGGER_PHASES) this.set({ app: app.name, trigger: t.name, state }, state === phase ? 1 : 0)
        }
      }
    },
  })
  new Gauge({
    name: `${METRIC_PREFIX}incidents_open`,
    help: 'Incidents declared and not resolved',
    registers,
    async collect() {
      this.set((await listIncidents(p.state.db, { open: true })).length)
    },
  })
  new Gauge({
    name: `${METRIC_PREFIX}approvals_pending`,
    help: 'Approval requests waiting for a decision',
    registers,
    async collect() {
      this.set(await countPendingApprovals(p.state.db))
    },
  })
  new Gauge({
    name: `${METRIC_PREFIX}snapshot_newest_timestamp_seconds`,
    help: 'When the newest snapshot still kept of each configured app was taken (unix seconds; 0 for an app with none)',
    labelNames: ['app'],
    registers,
    async collect() {
      const newest = await newestSnapshotTimes(
        p.state.db,
        p.config.apps.map((a) => a.name),
      )
      this.reset()
      for (const [app, at] of newest) this.set({ app }, at === null ? 0 : Date.parse(at) / 1000)
    },
  })
  new Gauge({
    name: `${METRIC_PREFIX}notification_outbox_depth`,
    help: 'Notifications waiting in the outbox to be delivered',
    registers,
    async collect() {
      this.set(await pendingCount(p.state.db))
    },
  })

  // Each reads the schedules' state when scraped, so a scrape shows what every server sharing the state ran.
  const scheduleGauge = (name: string, help: string, value: (s: ScheduleStatus) => number | undefined) =>
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: ['schedule', 'job'],
      registers,
      async collect() {
        this.reset()
        for (const s of await scheduleStatuses(p.state.db, p.config.schedules, new Date())) {
          const v = value(s)
          if (v !== undefined) this.set({ schedule: s.name, job: s.job }, v)
        }
      },
    })
  const seconds = (iso: string | null | undefined) => (iso ? Date.parse(iso) / 1000 : undefined)
  scheduleGauge(
    'schedule_last_run_timestamp_seconds',
    'When the last run of each schedule ended (unix seconds); absent before its first',
    (s) => seconds(s.lastRun?.endedAt),
  )
  scheduleGauge('schedule_last_run_success', 'Whether the last run of each schedule succeeded (1) or failed or was interrupted (0)', (s) =>
    s.lastRun ? (s.lastRun.outcome === 'succeeded' ? 1 : 0) : undefined,
  )
  scheduleGauge('schedule_next_run_timestamp_seconds', 'The next due time of each schedule not handled yet (unix seconds)', (s) =>
    seconds(s.nextRun),
  )
  scheduleGauge(
    'schedule_missed_runs',
    'Due times of each schedule that passed with no server running them, since it was first seen',
    (s) => s.missedTotal,
  )
  scheduleGauge(
    'schedule_overdue',
    'Whether a due time of each schedule passed over a minute ago with nothing running it (1) or not (0)',
    (s) => (s.overdue ? 1 : 0),
  )

  return {
    registry,
    observeRollback(report) {
      rollbacks.inc({ outcome: report.status })
      rollbackSeconds.observe({ outcome: report.status }, report.durationMs / 1000)
      const attemptStart = report.resumed?.at ?? report.startedAt
      for (const s of report.steps) {
        if (s.durationMs === null || s.startedAt < attemptStart) continue
        stepSeconds.observe({ step: s.name, status: s.status }, s.durationMs / 1000)
      }
    },
    observeRound(app, round) {
      for (const probe of round.probes) probeSeconds.observe({ app, check: probe.check }, probe.latencyMs / 1000)
      lastRound.set(Date.now() / 1000)
    },
  }
}
