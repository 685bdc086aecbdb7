import type { AppRecovery } from './recovery-apps.js'
import type { TimelineEntry } from './timeline.js'

/**
 * Facts read back from an incident's timeline entries. Entries are written by several parts of lastgood
 * (declaration, runbooks, escalation, people's notes), so every reader here tolerates a missing or
 * differently typed data field: a report shows what is known, it never fails on an old or odd entry.
 */

export interface EscalationFact {
  /** null when the entry did not say (an older entry). */
  level: number | null
  at: string
  actor: string
  message: string
}

export interface EvidenceFact {
  at: string
  actor: string
  message: string
  /** The content hash that makes the evidence checkable later (sha256 hex), when recorded. */
  hash: string | null
  /** Where it is kept: the repository snapshot holding it, a path. */
  ref: string | null
}

export interface RunbookStepFact {
  index: number | null
  kind: string | null
  name: string
  outcome: string
  at: string
  detail: string
}

export interface RunbookFacts {
  startedAt: string | null
  finishedAt: string | null
  /** succeeded, failed, stopped; null while it runs or when none ran. */
  outcome: string | null
  steps: RunbookStepFact[]
}

/** Ids of the rollback runs the timeline refers to, in the order they first appear. */
export function runIdsOf(timeline: TimelineEntry[]): string[] {
  const ids = timeline
    .filter((e) => e.kind === 'rollback.started' || e.kind === 'rollback.done' || e.kind === 'recovery.app')
    .map((e) => str(e.data.run) ?? str(e.data.runId))
    .filter((id): id is string => id !== null)
  return [...new Set(ids)]
}

export function readEscalations(timeline: TimelineEntry[]): EscalationFact[] {
  return timeline
    .filter((e) => e.kind === 'escalation')
    .map((e) => ({ level: num(e.data.level), at: e.at, actor: e.actor, message: e.message }))
}

export function readEvidence(timeline: TimelineEntry[]): EvidenceFact[] {
  return timeline
    .filter((e) => e.kind === 'evidence')
    .map((e) => ({
      at: e.at,
      actor: e.actor,
      message: e.message,
      hash: str(e.data.sha256) ?? str(e.data.hash) ?? str(e.data.digest),
      ref: str(e.data.repositorySnapshot) ?? str(e.data.snapshot) ?? str(e.data.path),
    }))
}

export function readRunbook(timeline: TimelineEntry[]): RunbookFacts {
  const started = timeline.findLast((e) => e.kind === 'runbook.started')
  const finished = started && timeline.findLast((e) => e.kind === 'runbook.finished' && e.seq > started.seq)
  const steps = timeline
    .filter((e) => e.kind === 'runbook.step')
    .map((e) => ({
      index: num(e.data.index),
      kind: str(e.data.kind),
      name: str(e.data.step) ?? str(e.data.name) ?? e.message,
      outcome: str(e.data.outcome) ?? 'unknown',
      at: e.at,
      detail: str(e.data.detail) ?? e.message,
    }))
  return { startedAt: started?.at ?? null, finishedAt: finished?.at ?? null, outcome: finished ? str(finished.data.outcome) : null, steps }
}

/**
 * Apps a runbook's recover step dealt with without a rollback run of their own: found already healthy, or
 * failed before a run could start (no target to restore). Apps with a run are read from the run.
 */
export function readRunlessApps(timeline: TimelineEntry[]): AppRecovery[] {
  return timeline
    .filter((e) => e.kind === 'recovery.app' && str(e.data.run) === null && str(e.data.app) !== null)
    .map((e) => ({
      app: str(e.data.app)!,
      run: null,
      outcome: str(e.data.outcome) ?? 'unknown',
      from: {},
      to: {},
      target: str(e.data.target),
      startedAt: str(e.data.startedAt) ?? e.at,
      validatedAt: str(e.data.validatedAt),
      error: str(e.data.error),
    }))
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}
