import type { ResolvedConfig } from '../config/types.js'
import { formatDuration } from '../config-parts/units.js'
import type { StateDb } from '../state/open-state.js'
import type { Incident } from './incident.js'
import { recordTimeline } from './timeline.js'

/**
 * An incident nobody was told of is a silent one: when it opened (declared, escalated to by the monitor, a
 * continuity breach) with no channel in its audience, its timeline says so, with the first escalation level
 * that will tell someone, or that none will. Runs last in the transaction that opened it, after every
 * message of the opening was queued. Returns the words, for the caller's own output; undefined when heard.
 */
export async function noteIfUnheard(
  tx: StateDb,
  config: ResolvedConfig,
  incident: Incident,
  actor: string,
  now: number,
): Promise<string | undefined> {
  if (incident.audience.length > 0) return undefined
  const next = config.escalation.find((l) => l.notify.length > 0)
  const message =
    'no channel was told of this incident: notifications.incidents and escalation level 1 name none' +
    (next
      ? `; level ${next.level} (after ${formatDuration(next.afterMs)}) is the first to tell one (${next.notify.join(', ')})`
      : ', nor does any later level: tell the people on call yourself, and name a channel in notifications.incidents')
  await recordTimeline(tx, incident.id, {
    kind: 'unheard',
    actor,
    at: now,
    outcome: 'failure',
    message,
    data: { nextLevel: next?.level ?? null },
  })
  return message
}
