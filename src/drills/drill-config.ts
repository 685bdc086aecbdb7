import type { MonitorEvent } from '../monitor/events.js'
import { formatDuration } from '../config-parts/units.js'
import { DRILL_LATENCY_BOUND_MS } from './scenarios.js'

export interface DrillTiming {
  /** Probe interval of the drill's apps (1 s by default; the seeds' 30 s to check their objective). */
  intervalMs: number
  /** Consecutive failures that fire the health trigger (the seeds' 3). */
  failures: number
}

/** Short probes validate quickly (250 ms apart); the seeds' 30 s probes validate as the seeds do (2 s). */
export function validationIntervalMs(t: DrillTiming): number {
  return t.intervalMs < 10_000 ? 250 : 2000
}

/**
 * The example clinic's own configuration (a drill of the whole platform) reads its timing from these
 * variables: the drill's probe interval, and validation by the same rule as the drills' own platform.
 */
export function clinicTimingEnv(t: DrillTiming): Record<string, string> {
  return {
    CLINIC_HEALTH_INTERVAL: formatDuration(t.intervalMs),
    CLINIC_VALIDATION_INTERVAL: formatDuration(validationIntervalMs(t)),
    CLINIC_VALIDATION_WINDOW: '2m',
  }
}

/**
 * The configuration of a drill's own throwaway platform: staff and inventory as real sample apps, each
 * restarted by its release's `restart:` command, with the seeds' triggers (3 consecutive failures; error
 * rate above 5 % over 100 requests), a latency trigger scaled to the probe interval, and a continuity plan per
 * app (a crashed or failing app activates it: the drill measures its activation time). `node` and `ctl`
 * are absolute paths; ports come from ${CLINIC_<APP>_PORT}.
 */
export function drillConfigText(t: DrillTiming, node: string, ctl: string): string {
  const seconds = (ms: number) => formatDuration(ms)
  const validationInterval = validationIntervalMs(t)
  const timeout = Math.min(10_000, Math.max(5000, t.intervalMs))
  const app = (name: string, priority: number, port: string) => `  ${name}:
    priority: ${priority}
    health:
      checks:
        - name: health
          url: http://127.0.0.1:\${${port}}/health
    components:
      release:
        provider: local-release
        path: ./apps/${name}
        restart: '"${node}" "${ctl}" restart --root . --port \${${port}} --name ${name} --pid-file ../${name}.pid --log ../${name}.log'
        restart_timeout: 30s
`
  return `# A lastgood drill's own platform; created and removed by \`lastgood drill\`.
version: 1
platform: drill
defaults:
  health: { interval: ${seconds(t.intervalMs)}, timeout: ${seconds(timeout)}, failures: ${t.failures} }
  rollback:
    timeout: 10m
    validation: { window: 2m, passes: 3, interval: ${seconds(validationInterval)} }
  triggers:
    health: { kind: health_failures, action: rollback }
    error-burst: { kind: error_rate, above: 5%, over_requests: 100, action: rollback }
    latency: { kind: latency, percentile: 95, above: ${DRILL_LATENCY_BOUND_MS}ms, for: ${seconds(2 * t.intervalMs)}, window: ${seconds(3 * t.intervalMs)}, action: rollback }
monitor:
  cooldown: 15m
# What the outage of each app stops, so a drill measures how soon people are told to switch (seed 000: < 5 min).
continuity:
  drill-check-in: { function: Patient Check-in, apps: [staff], fallback: Paper-based check-in forms, max_downtime: 15m }
  drill-inventory: { function: Supply inventory, apps: [inventory], fallback: Paper stock sheets, max_downtime: 15m }
apps:
${app('staff', 1, 'CLINIC_STAFF_PORT')}${app('inventory', 2, 'CLINIC_INVENTORY_PORT')}`
}

/** What a drill is measured against, who runs it, and who hears about it as it goes. */
export interface DrillOptions {
  rtoMs: number
  actor: string
  onEvent?: (e: MonitorEvent) => void
  /** Ends the wait for recovery at once (the drill fails, saying so); its platform is removed all the same. */
  stop?: AbortSignal
}
