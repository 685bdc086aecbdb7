import type { ResolvedConfig, ResolvedEscalationLevel } from '../config/types.js'
import { UserError } from '../core/errors.js'
import { formatDuration } from '../config-parts/units.js'
import type { Platform } from '../platform/platform.js'
import type { StateDb } from '../state/open-state.js'
import { activatePlansForIncident } from './continuity.js'
import type { Incident } from './incident.js'
import { findIncident, listIncidents, requireIncident, updateIncident } from './incident-store.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'

/**
 * Escalation levels. Level n is due `afterMs` after the declaration; a level applied early by a person (or
 * by a runbook or a continuity breach) is simply reached sooner, and later levels keep their times from the
 * declaration. Applying a level is a conditional update (level n-1 → n) in one write transaction with its
 * timeline entry and messages: two processes, a replica or a restart can race for the same level and it is
 * applied exactly once.
 */

export interface LevelOptions {
  actor: string
  reason: string
  now: number
  /** false at the declaration: its own message (incident_declared) carries level 1. */
  announce: boolean
}

/** When level n (1-based) of this incident is due, in ms. */
export function levelDueAt(config: ResolvedConfig, incident: Incident, n: number): number | undefined {
  const level = config.escalation[n - 1]
  return level ? Date.parse(incident.openedAt) + level.afterMs : undefined
}

/** A level's actions as the message quotes them. */
export function levelActionsText(level: ResolvedEscalationLevel | undefined): string {
  if (!level || level.actions.length === 0) return '- (no actions configured for this level)'
  return level.actions.map((a) => `- ${a}`).join('\n')
}

/**
 * Moves the incident from level n-1 to n in the caller's write transaction: its channels join the audience,
 * the escalation message quotes its actions, its continuity plans activate. Returns undefined (and changes
 * nothing) when the incident is no longer at n-1 or is resolved: someone else applied it first.
 */
export async function applyLevelIn(
  tx: StateDb,
  config: ResolvedConfig,
  incident: Incident,
  n: number,
  o: LevelOptions,
): Promise<Incident | undefined> {
  const level = config.escalation[n - 1]
  if (!level) return undefined
  const at = new Date(o.now).toISOString()
  const moved = await tx
    .updateTable('incidents')
    .set({ level: n, level_at: at, updated_at: at })
    .where('id', '=', incident.id)
    .where('level', '=', n - 1)
    .where('status', '!=', 'resolved')
    .executeTakeFirst()
  if (Number(moved.numUpdatedRows) !== 1) return undefined
  let now: Incident = { ...incident, level: n, levelAt: at }
  const dueAt = levelDueAt(config, incident, n)!
  await recordTimeline(tx, incident.id, {
    kind: 'escalation',
    actor: o.actor,
    at: o.now,
    message: `level ${n}: ${o.reason}`,
    data: {
      level: n,
      from: n - 1,
      dueAt: new Date(dueAt).toISOString(),
      early: o.now < dueAt,
      channels: level.notify,
      actions: level.actions,
    },
  })
  if (o.announce) {
    now = await tellIncident(tx, config, now, {
      kind: 'escalation',
      add: level.notify,
      at: o.now,
      vars: { level_actions: levelActionsText(level), actions: levelActionsText(level) },
    })
  } else if (level.notify.some((c) => !now.audience.includes(c))) {
    now = { ...now, audience: [...new Set([...now.audience, ...level.notify])] }
    await updateIncident(tx, incident.id, { audience: now.audience })
  }
  if (level.activateContinuity) await activatePlansForIncident(tx, config, now, { actor: o.actor, now: o.now })
  return now
}

/**
 * Takes the incident to its next level now (a person, a failed runbook step, a continuity breach). At the
 * highest level a person is told so (exit 2, nothing written); `atTop: 'note'` records the request on the
 * timeline instead, for callers that must not fail.
 */
export async function escalateIncident(
  p: Platform,
  id: string,
  opts: { actor: string; reason: string; now?: number; atTop?: 'refuse' | 'note' },
): Promise<Incident> {
  const now = opts.now ?? Date.now()
  return p.state.writeTransaction(async (tx) => {
    const incident = await requireIncident(tx, id)
    return escalateIn(tx, p.config, incident, { actor: opts.actor, reason: opts.reason, now, atTop: opts.atTop ?? 'refuse' })
  })
}

/** A resolved incident cannot be escalated: the trouble being back is a new incident. */
export function refuseResolved(incident: Incident): void {
  if (incident.status === 'resolved') throw new UserError(`incident ${incident.id} is resolved; declare a new one if the trouble is back`)
}

export async function escalateIn(
  tx: StateDb,
  config: ResolvedConfig,
  incident: Incident,
  o: { actor: string; reason: string; now: number; atTop: 'refuse' | 'note' },
): Promise<Incident> {
  refuseResolved(incident)
  const top = config.escalation.length
  if (incident.level >= top) {
    if (o.atTop === 'refuse')
      throw new UserError(
        `incident ${incident.id} is already at the highest escalation level (${top}); add a level under escalation.levels to go further`,
      )
    await recordTimeline(tx, incident.id, {
      kind: 'escalation',
      actor: o.actor,
      at: o.now,
      message: `escalation asked at the highest level (${top}): ${o.reason}`,
      data: { level: top, atTop: true },
    })
    return incident
  }
  const next = await applyLevelIn(tx, config, incident, incident.level + 1, {
    actor: o.actor,
    reason: o.reason,
    now: o.now,
    announce: true,
  })
  return next ?? incident
}

/**
 * Applies every level that is due, in order, each in its own transaction. A process that was not running
 * when a level came due applies it (and any later missed one) when it catches up. Returns how many levels
 * were applied by this call.
 */
export async function applyDueEscalations(p: Platform, opts: { actor: string; now?: number }): Promise<number> {
  const now = opts.now ?? Date.now()
  let applied = 0
  for (const open of await listIncidents(p.state.db, { open: true })) {
    for (let n = open.level + 1; (levelDueAt(p.config, open, n) ?? Infinity) <= now; n++) {
      const done = await p.state.writeTransaction(async (tx) => {
        const current = await findIncident(tx, open.id)
        if (!current || current.level !== n - 1) return false
        const after = p.config.escalation[n - 1]!.afterMs
        const reason = `open for ${formatDuration(Math.max(0, now - Date.parse(open.openedAt)))}; level ${n} is due ${formatDuration(after)} after the declaration`
        return (await applyLevelIn(tx, p.config, current, n, { actor: opts.actor, reason, now, announce: true })) !== undefined
      })
      if (done) applied++
    }
  }
  return applied
}
