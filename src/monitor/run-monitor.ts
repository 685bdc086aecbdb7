import type { ResolvedApp } from '../config/types.js'
import type { Platform } from '../platform/platform.js'
import { RecoveryScheduler } from '../recovery/recovery-scheduler.js'
import { stopReason } from '../rollback/journal.js'
import { Monitor, MONITOR_ACTOR, type MonitorOptions } from './monitor.js'

/**
 * The monitor as the long-running processes run it (`lastgood monitor`, `lastgood serve`): probes and triggers,
 * with the recovery scheduler (escalation, status updates, continuity plans, the notification outbox) beside it.
 */
export function monitorWithRecovery(p: Platform, apps: ResolvedApp[], opts: Omit<MonitorOptions, 'recovery'> = {}): Monitor {
  return new Monitor(p, apps, { ...opts, recovery: new RecoveryScheduler(p, { actor: opts.actor ?? MONITOR_ACTOR }) })
}

/**
 * Stops the monitor when `stop` aborts, at whatever moment (starting, resuming a run, rolling back): the step
 * in progress finishes or is journaled where it stopped (Monitor.stop). Call it before start().
 */
export function stopWith(monitor: Monitor, stop: AbortSignal): void {
  if (stop.aborted) void monitor.stop(stopReason(stop))
  else stop.addEventListener('abort', () => void monitor.stop(stopReason(stop)), { once: true })
}

/** Starts the monitor and runs it until `stop` aborts; resolves once it has stopped. */
export async function monitorUntil(monitor: Monitor, stop: AbortSignal): Promise<void> {
  stopWith(monitor, stop)
  await monitor.start()
  await untilAborted(stop)
  await monitor.stop()
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))
}
