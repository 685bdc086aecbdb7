import { messageOf } from '../core/errors.js'
import { redact } from '../core/redact.js'
import type { EventBus, MonitorEvent } from '../monitor/events.js'
import type { Platform } from '../platform/platform.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import { findRun } from '../rollback/unfinished-run.js'
import type { ServerMetrics } from './server-metrics.js'

/** Reports already counted, so a run of several apps (one rollback.done each) counts once; bounded. */
const REMEMBERED = 1_000

/**
 * Feeds the metrics from the monitor's events: each rollback that ends is counted once, from its stored report
 * (the report holds its outcome, duration and steps; the event names the run).
 */
export function feedMetricsFrom(bus: EventBus, p: Platform, metrics: ServerMetrics): void {
  const counted = new Set<string>()
  bus.subscribe((e) => {
    const run = runOf(e)
    if (run === undefined) return
    void (async () => {
      const row = await findRun(p.state.db, run)
      if (!row?.report) return
      const report = JSON.parse(row.report) as RollbackReport
      const key = `${report.run} ${report.endedAt}`
      if (counted.has(key)) return
      if (counted.size >= REMEMBERED) counted.clear()
      counted.add(key)
      metrics.observeRollback(report)
    })().catch((err: unknown) => p.log.warn({ run, err: redact(messageOf(err)) }, 'rollback metrics: the run report could not be read'))
  })
}

function runOf(e: MonitorEvent): string | undefined {
  if (e.type !== 'rollback.done' && e.type !== 'rollback.interrupted') return undefined
  return typeof e.data.run === 'string' ? e.data.run : undefined
}
