import type { Platform } from '../platform/platform.js'
import type { Incident, IncidentStatus } from './incident.js'
import { type ChannelTally, tallyNotifications } from './notification-tally.js'
import { type AppRecovery, latestPerApp, loadAppRecoveries, type RunSummary } from './recovery-apps.js'
import { loadTimeline, type TimelineEntry } from './timeline.js'
import {
  readEscalations,
  readEvidence,
  readRunbook,
  readRunlessApps,
  type EscalationFact,
  type EvidenceFact,
  type RunbookFacts,
  runIdsOf,
} from './timeline-facts.js'

export type { AppRecovery, RunSummary } from './recovery-apps.js'
export type { ChannelTally } from './notification-tally.js'
export type { EscalationFact, EvidenceFact, RunbookFacts, RunbookStepFact } from './timeline-facts.js'

/**
 * What recovery from one incident achieved, drawn from its row, its timeline, the rollback runs the timeline
 * names, its outbox and its continuity activations. Every field has a value for an incident that was just
 * declared (empty lists, nulls), so `incident show` and a post-mortem of an open incident work as well.
 */
export interface RecoveryReport {
  incident: string
  status: IncidentStatus
  times: {
    declared: string
    /** First move to mitigating. */
    mitigating: string | null
    /** The move to monitoring that stuck (not followed by a relapse to mitigating). */
    monitoring: string | null
    resolved: string | null
    /** When service was back: see `recovered.basis`. */
    recovered: string | null
  }
  recovered: {
    /**
     * validation: every app rolled back passed validation (its latest attempt), the time of the last one;
     * monitoring: the incident moved to monitoring; resolution: it was resolved without either; null: not yet.
     */
    basis: 'validation' | 'monitoring' | 'resolution' | null
    /** Declaration → recovered; null while not recovered. */
    timeToRecoverMs: number | null
  }
  rto: {
    objectiveMs: number
    /** pending: not recovered yet and still within the RTO. */
    verdict: 'met' | 'missed' | 'pending'
    /** Time to recover minus the RTO: negative is time to spare, positive is how much it was missed by (so far). */
    deltaMs: number
  }
  apps: AppRecovery[]
  rollbacks: RunSummary[]
  evidence: EvidenceFact[]
  escalations: EscalationFact[]
  /** The highest escalation level applied (0: none). */
  level: number
  continuity: ContinuityFact[]
  notifications: ChannelTally[]
  runbook: RunbookFacts
}

export interface ContinuityFact {
  plan: string
  function: string | null
  fallback: string | null
  maxDowntimeMs: number | null
  reason: string
  downApps: string[]
  activatedAt: string
  breachedAt: string | null
  endedAt: string | null
}

export async function buildRecoveryReport(
  p: Pick<Platform, 'config' | 'state'>,
  incident: Incident,
  opts: { now?: number; timeline?: TimelineEntry[] } = {},
): Promise<RecoveryReport> {
  const db = p.state.db
  const timeline = opts.timeline ?? (await loadTimeline(db, incident.id))
  const { runs, apps: runApps } = await loadAppRecoveries(db, runIdsOf(timeline))
  // Oldest first, each app of a run at its run's start (an app a run never started has no time of its own).
  const when = (a: AppRecovery) => (a.run ? runs.find((r) => r.run === a.run)?.startedAt : a.startedAt) ?? ''
  const apps = [...runApps, ...readRunlessApps(timeline)].sort((a, b) => when(a).localeCompare(when(b)))
  const statusAt = (to: string) => timeline.filter((e) => e.kind === 'status' && e.data.to === to)
  const mitigating = statusAt('mitigating')[0]?.at ?? null
  const lastMonitoring = statusAt('monitoring').at(-1)
  const relapsed = lastMonitoring && statusAt('mitigating').some((e) => e.seq > lastMonitoring.seq)
  const monitoring = lastMonitoring && !relapsed ? lastMonitoring.at : null
  const resolved = incident.resolvedAt ?? timeline.find((e) => e.kind === 'resolved')?.at ?? null
  const recovered = recoveredAt(apps, monitoring, resolved)
  const declaredMs = Date.parse(incident.openedAt)
  const timeToRecoverMs = recovered.at ? Date.parse(recovered.at) - declaredMs : null
  const objectiveMs = p.config.objectives.rtoMs
  const deltaMs = (timeToRecoverMs ?? Math.max(0, (opts.now ?? Date.now()) - declaredMs)) - objectiveMs
  const escalations = readEscalations(timeline)
  return {
    incident: incident.id,
    status: incident.status,
    times: { declared: incident.openedAt, mitigating, monitoring, resolved, recovered: recovered.at },
    recovered: { basis: recovered.basis, timeToRecoverMs },
    rto: { objectiveMs, verdict: deltaMs > 0 ? 'missed' : timeToRecoverMs === null ? 'pending' : 'met', deltaMs },
    apps,
    rollbacks: runs,
    evidence: readEvidence(timeline),
    escalations,
    level: Math.max(incident.level, ...escalations.map((e) => e.level ?? 0)),
    continuity: await loadContinuity(p, incident.id),
    notifications: await tallyNotifications(db, incident.id),
    runbook: readRunbook(timeline),
  }
}

function recoveredAt(
  apps: AppRecovery[],
  monitoring: string | null,
  resolved: string | null,
): { at: string | null; basis: RecoveryReport['recovered']['basis'] } {
  const validated = latestPerApp(apps).map((a) => a.validatedAt)
  if (validated.length > 0 && validated.every((v) => v !== null)) return { at: validated.sort().at(-1)!, basis: 'validation' }
  if (monitoring) return { at: monitoring, basis: 'monitoring' }
  if (resolved) return { at: resolved, basis: 'resolution' }
  return { at: null, basis: null }
}

async function loadContinuity(p: Pick<Platform, 'config' | 'state'>, incidentId: string): Promise<ContinuityFact[]> {
  const rows = await p.state.db
    .selectFrom('continuity_activations')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('started_at', 'asc')
    .execute()
  return rows.map((r) => {
    const plan = p.config.continuity.find((c) => c.name === r.plan)
    return {
      plan: r.plan,
      function: plan?.function ?? null,
      fallback: plan?.fallback ?? null,
      maxDowntimeMs: plan?.maxDowntimeMs ?? null,
      reason: r.reason,
      downApps: JSON.parse(r.down_apps) as string[],
      activatedAt: r.started_at,
      breachedAt: r.breached_at,
      endedAt: r.ended_at,
    }
  })
}
