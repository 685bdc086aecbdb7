import type { ContinuityActivationFigure } from '../audit/compliance-report.js'
import type { DrillTiming } from './drill-config.js'

/**
 * What a drill measured. Every time is from the drill's zero (`DrillResult.measuredFrom`): the moment the bad
 * release is live (the monitor must detect it) or the moment the incident is declared (people detected it).
 */
export interface AppMeasurement {
  app: string
  /** The trigger that fired first; null when nothing had to be detected (a declared incident). */
  trigger: string | null
  /** Zero → trigger fired; null when nothing had to be detected. */
  detectMs: number | null
  /** Trigger fired → decision made; null when nothing had to be decided. */
  decideMs: number | null
  /** Zero → this app's recovery (its rollback run) started. */
  startedMs: number | null
  /** This app's recovery, start to end (validation included). */
  rollbackMs: number | null
  /** Zero → this app's validation passed after its recovery. */
  healthyMs: number | null
  run: string | null
  /** Component → the version it was restored to. */
  restored: Record<string, string> | null
}

/** One step of what happened, for --json: a monitor event, or an entry of the drill incident's timeline. */
export interface DrillEvent {
  type: string
  at: string
  app?: string
  message: string
}

/** A drill recovered through an incident: what the runbook did and what was seen from outside. */
export interface IncidentMeasurement {
  id: string
  type: string
  runbook: string
  /** The preserve_evidence step, start to end. */
  evidenceMs: number | null
  /** The recover step, start to end (every app in turn). */
  recoverMs: number | null
  /** Zero → every app answering its health check, probed by the drill every 20 ms. */
  probedHealthyMs: number | null
}

export interface DrillResult {
  scenario: string
  description: string
  success: boolean
  /** Why it failed, when it did. */
  problem: string | null
  timing: DrillTiming
  startedAt: string
  /** The zero of every time here: the fault injected, or the incident declared. */
  measuredFrom: 'fault' | 'declaration'
  /** Monitor drills: in the order the fault was deployed; incident drills: in the order they were recovered. */
  apps: AppMeasurement[]
  /** Apps in the order their validation passed. */
  recoveryOrder: string[]
  /** Zero → the last app validated. */
  recoveryMs: number | null
  objectives: { rtoMs: number }
  withinRto: boolean
  /** The continuity plans the outage activated, each with how long after the outage (seed 000: under 5 min). */
  continuity: ContinuityActivationFigure[]
  incident: IncidentMeasurement | null
  events: DrillEvent[]
}
