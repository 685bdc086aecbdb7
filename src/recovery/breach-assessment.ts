import type { ResolvedConfig, ResolvedRunbookStep } from '../config/types.js'
import { formatDuration } from '../config-parts/units.js'
import type { StateDb } from '../state/open-state.js'
import type { BreachAssessmentTable } from '../state/schema.js'
import type { Incident } from './incident.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'

/**
 * The breach-assessment clock a suspected breach starts (HIPAA 164.404: the individuals affected are told
 * without unreasonable delay and no later than 60 days after discovery, unless a risk assessment shows a low
 * probability that the information was compromised). It runs apart from the incident: systems are usually
 * restored within the hour, the assessment takes weeks, so resolving the incident does not stop it; only
 * its recorded outcome (`lastgood incident assess`) does.
 */

export type BreachStep = Extract<ResolvedRunbookStep, { kind: 'breach_assessment' }>

export const BREACH_OUTCOMES = ['notified', 'not-a-breach'] as const
export type BreachOutcome = (typeof BREACH_OUTCOMES)[number]

export interface BreachAssessment {
  incident: string
  discoveredAt: string
  dueAt: string
  /** Reminded before the deadline; empty: the incident's audience. */
  channels: string[]
  /** Each reminder's time, ascending, the deadline last. */
  reminders: string[]
  /** How many of `reminders` have passed and been handled. */
  reminded: number
  /** From then on reminders go to everyone told about the incident, and an open incident is raised a level. */
  escalateAt: string
  escalatedAt: string | null
  outcome: BreachOutcome | null
  assessedAt: string | null
  assessedBy: string | null
  assessment: string | null
}

/**
 * Starts the clock in the caller's write transaction: the row, the `breach.deadline` timeline entry, and the
 * breach_assessment_due message to everyone told so far plus the step's channels (who join the audience).
 * Reminders already past (a discovery long before the declaration) count as handled: this message says how
 * much time is left. A second start (a runbook run again) keeps the first clock.
 */
export async function startBreachAssessmentIn(
  tx: StateDb,
  config: ResolvedConfig,
  incident: Incident,
  step: BreachStep,
  o: { actor: string; discoveredAt: string; now: number },
): Promise<{ assessment: BreachAssessment; incident: Incident }> {
  const existing = await findBreachAssessment(tx, incident.id)
  if (existing) return { assessment: existing, incident }
  const discovered = Date.parse(o.discoveredAt)
  const due = discovered + step.deadlineMs
  const times = [...step.remindMs.map((before) => due - before).filter((t) => t > discovered), due]
  const a: BreachAssessment = {
    incident: incident.id,
    discoveredAt: new Date(discovered).toISOString(),
    dueAt: new Date(due).toISOString(),
    channels: step.notify,
    reminders: times.map((t) => new Date(t).toISOString()),
    reminded: times.filter((t) => t <= o.now).length,
    escalateAt: new Date(due - step.escalateWithinMs).toISOString(),
    escalatedAt: null,
    outcome: null,
    assessedAt: null,
    assessedBy: null,
    assessment: null,
  }
  await tx.insertInto('breach_assessments').values(toRow(a)).execute()
  await recordTimeline(tx, incident.id, {
    kind: 'breach.deadline',
    actor: o.actor,
    at: o.now,
    message: `breach assessment due ${a.dueAt} (${formatDuration(step.deadlineMs)} after discovery at ${a.discoveredAt})`,
    data: { discoveredAt: a.discoveredAt, dueAt: a.dueAt, reminders: a.reminders, escalateAt: a.escalateAt, channels: a.channels },
  })
  const told = await tellIncident(tx, config, incident, {
    kind: 'breach_assessment_due',
    add: step.notify,
    at: o.now,
    vars: breachVars(a, o.now),
  })
  return { assessment: a, incident: told }
}

export async function findBreachAssessment(db: StateDb, incidentId: string): Promise<BreachAssessment | undefined> {
  const r = await db.selectFrom('breach_assessments').selectAll().where('incident_id', '=', incidentId).executeTakeFirst()
  return r ? fromRow(r) : undefined
}

/** Open ones (no outcome yet), or those that ran at some time in [since, until]; by deadline. */
export async function listBreachAssessments(
  db: StateDb,
  opts: { open: true } | { since?: string; until?: string },
): Promise<BreachAssessment[]> {
  let q = db.selectFrom('breach_assessments').selectAll().orderBy('due_at', 'asc')
  if ('open' in opts) q = q.where('outcome', 'is', null)
  else {
    if (opts.until) q = q.where('discovered_at', '<=', opts.until)
    const since = opts.since
    if (since) q = q.where((eb) => eb.or([eb('assessed_at', 'is', null), eb('assessed_at', '>=', since)]))
  }
  return (await q.execute()).map(fromRow)
}

/** `due … (59d23h left)`, `OVERDUE by 2d`, `done: notified by … at …`: one line for a person. */
export function describeBreachAssessment(a: BreachAssessment, now = Date.now()): string {
  const clock = `due ${a.dueAt} (discovered ${a.discoveredAt})`
  if (a.outcome) return `${a.outcome} (${a.assessment ?? ''}), recorded by ${a.assessedBy ?? '?'} at ${a.assessedAt ?? '?'}; was ${clock}`
  return `OPEN, ${clock}: ${timeLeft(a, now)}`
}

/** `29d23h left` or `OVERDUE by 1d2h`, to the minute. */
export function timeLeft(a: BreachAssessment, now: number): string {
  const ms = Date.parse(a.dueAt) - now
  const text = formatDuration(Math.round(Math.abs(ms) / 60_000) * 60_000)
  return ms >= 0 ? `${text} left` : `OVERDUE by ${text}`
}

/** The values of the breach_assessment_due message. */
export function breachVars(a: BreachAssessment, now: number): Record<string, string> {
  return {
    discovered: a.discoveredAt,
    deadline: a.dueAt,
    time_left: timeLeft(a, now),
    actions: [
      '- Risk assessment: was protected health information acquired, used or disclosed? (HIPAA 164.402)',
      `- If so, notify the individuals affected no later than ${a.dueAt} (HIPAA 164.404)`,
      '- The compliance officer records the outcome',
    ].join('\n'),
    command: `lastgood incident assess ${a.incident} --outcome notified|not-a-breach --reason R`,
  }
}

function toRow(a: BreachAssessment): BreachAssessmentTable {
  return {
    incident_id: a.incident,
    discovered_at: a.discoveredAt,
    due_at: a.dueAt,
    channels: JSON.stringify(a.channels),
    reminders: JSON.stringify(a.reminders),
    reminded: a.reminded,
    escalate_at: a.escalateAt,
    escalated_at: a.escalatedAt,
    outcome: a.outcome,
    assessed_at: a.assessedAt,
    assessed_by: a.assessedBy,
    assessment: a.assessment,
  }
}

function fromRow(r: BreachAssessmentTable): BreachAssessment {
  return {
    incident: r.incident_id,
    discoveredAt: r.discovered_at,
    dueAt: r.due_at,
    channels: JSON.parse(r.channels) as string[],
    reminders: JSON.parse(r.reminders) as string[],
    reminded: Number(r.reminded),
    escalateAt: r.escalate_at,
    escalatedAt: r.escalated_at,
    outcome: r.outcome as BreachOutcome | null,
    assessedAt: r.assessed_at,
    assessedBy: r.assessed_by,
    assessment: r.assessment,
  }
}
