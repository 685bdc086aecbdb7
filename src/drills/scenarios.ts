import type { DrillName } from '../config-parts/drill-vocabulary.js'
import type { Behaviour } from '../demo/sample-platform.js'

export interface Scenario {
  name: DrillName
  description: string
  /** The apps the fault is deployed to, in the order it is deployed (not their recovery priority). */
  apps: string[]
  fault: Behaviour
  /**
   * monitor: the drill's own platform, the monitor detects and rolls back; incident: the example clinic's
   * five apps, a platform snapshot, and people declare complete_system_failure (system-failure-drill.ts).
   */
  recovery: 'monitor' | 'incident'
}

/** Latency of the slow release and the bound its drill trigger uses (the seeds' 2000 ms, scaled to drills). */
export const SLOW_RELEASE_MS = 1500
export const DRILL_LATENCY_BOUND_MS = 1000

/** What each drill breaks. Every fault is a release deployed over a known-good one, as a bad deploy is. */
export const SCENARIO_LIST: Scenario[] = [
  {
    name: 'bad-deploy',
    description: 'a release whose health check fails',
    apps: ['staff'],
    fault: { healthy: false },
    recovery: 'monitor',
  },
  {
    name: 'error-spike',
    description: 'a release that fails half of its requests',
    apps: ['staff'],
    fault: { healthy: true, errorRate: 0.5 },
    recovery: 'monitor',
  },
  {
    name: 'slow-release',
    description: `a release that answers in ${SLOW_RELEASE_MS} ms (p95 bound ${DRILL_LATENCY_BOUND_MS} ms)`,
    apps: ['staff'],
    fault: { healthy: true, latencyMs: SLOW_RELEASE_MS },
    recovery: 'monitor',
  },
  {
    name: 'crash',
    description: 'a release whose process dies on its first request',
    apps: ['staff'],
    fault: { healthy: true, crash: true },
    recovery: 'monitor',
  },
  {
    name: 'multi-app',
    description: 'bad releases of two apps at once, recovered in priority order (staff, then inventory)',
    apps: ['inventory', 'staff'],
    fault: { healthy: false },
    recovery: 'monitor',
  },
  {
    name: 'complete-system-failure',
    description:
      'every app of the example clinic down at once; complete_system_failure declared, recovered from a platform snapshot in priority order',
    apps: ['staff', 'inventory', 'handouts', 'medication-auth', 'checkin-kiosk'],
    fault: { healthy: false },
    recovery: 'incident',
  },
]

export function scenario(name: string): Scenario | undefined {
  return SCENARIO_LIST.find((s) => s.name === name)
}
