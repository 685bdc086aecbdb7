import { lastHeartbeat } from '../monitor/monitor-store.js'
import type { Platform } from '../platform/platform.js'
import { newestSnapshotTimes } from '../snapshots/snapshot-record.js'

/**
 * Seed 002's checks after a rollback beyond the apps themselves: "monitoring systems active" and "backup
 * systems functional". Reported with the run, not judged: a rollback that restored its apps succeeded even
 * while nothing watches them, but whoever reads the report must learn that.
 */
export interface Watchers {
  /** A monitor that has not stopped and beat within MONITOR_ALIVE_MS (it beats every 5 s). */
  monitor: { active: boolean; lastSeenAt: string | null }
  /** The newest snapshot still kept of each app of the run: what the next rollback could restore. */
  snapshots: { app: string; newestAt: string | null }[]
  /** The last scheduled `snapshot verify` that ended, of any schedule: the repository's last proof. */
  lastVerify: { schedule: string; endedAt: string; outcome: string } | null
}

const MONITOR_ALIVE_MS = 30_000

export async function watchersAfter(p: Platform, apps: string[], now = Date.now()): Promise<Watchers> {
  const seen = await lastHeartbeat(p.state.db, { running: true })
  const newest = await newestSnapshotTimes(p.state.db, apps)
  const verify = await p.state.db
    .selectFrom('schedule_runs')
    .select(['schedule', 'ended_at', 'outcome'])
    .where('job', '=', 'snapshot-verify')
    .where('outcome', 'in', ['succeeded', 'failed', 'interrupted'])
    .orderBy('ended_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return {
    monitor: { active: seen !== null && now - seen <= MONITOR_ALIVE_MS, lastSeenAt: seen === null ? null : new Date(seen).toISOString() },
    snapshots: apps.map((app) => ({ app, newestAt: newest.get(app)! })),
    lastVerify: verify?.ended_at ? { schedule: verify.schedule, endedAt: verify.ended_at, outcome: verify.outcome } : null,
  }
}
