import { formatDuration } from '../config-parts/units.js'
import type { Platform } from '../platform/platform.js'
import type { Incident } from './incident.js'
import { findIncident, listIncidents } from './incident-store.js'
import { tellIncident } from './tell-incident.js'
import { loadTimeline } from './timeline.js'

/** Timeline entries quoted as the update's progress. */
const PROGRESS_ENTRIES = 5

/**
 * The seed's "Next Updates: Every 10 minutes": while an incident is open, everyone told so far hears a
 * status update every notifications.statusUpdateMs. The due time lives in the incident row and is moved
 * with a conditional update in the transaction that queues the message: one update per due time, whatever
 * restarts or runs beside it. After an outage one update is sent, not one per missed interval. Returns how
 * many were queued.
 */
export async function sendDueStatusUpdates(p: Platform, opts: { now?: number } = {}): Promise<number> {
  const every = p.config.notifications.statusUpdateMs
  if (every <= 0) return 0
  const now = opts.now ?? Date.now()
  const nowIso = new Date(now).toISOString()
  let sent = 0
  for (const open of await listIncidents(p.state.db, { open: true })) {
    if (open.nextUpdateAt === null || open.nextUpdateAt > nowIso) continue
    const due = open.nextUpdateAt
    const progress = await progressOf(p, open)
    const done = await p.state.writeTransaction(async (tx) => {
      const onTime = Date.parse(due) + every
      const next = new Date(onTime > now ? onTime : now + every).toISOString()
      const moved = await tx
        .updateTable('incidents')
        .set({ next_update_at: next })
        .where('id', '=', open.id)
        .where('next_update_at', '=', due)
        .where('status', '!=', 'resolved')
        .executeTakeFirst()
      if (Number(moved.numUpdatedRows) !== 1) return false
      const current = (await findIncident(tx, open.id))!
      await tellIncident(tx, p.config, current, {
        kind: 'status_update',
        at: now,
        vars: { actions: progress, eta: etaOf(p, current, now) },
      })
      return true
    })
    if (done) sent++
  }
  return sent
}

async function progressOf(p: Platform, i: Incident): Promise<string> {
  const entries = (await loadTimeline(p.state.db, i.id)).filter((e) => !e.kind.startsWith('notification.')).slice(-PROGRESS_ENTRIES)
  return entries.map((e) => `- ${e.at} ${e.message}`).join('\n')
}

/** The recovery-time objective counted from the declaration. */
function etaOf(p: Platform, i: Incident, now: number): string {
  const { rtoMs } = p.config.objectives
  const by = Date.parse(i.openedAt) + rtoMs
  return by > now
    ? `by ${new Date(by).toISOString()} (RTO ${formatDuration(rtoMs)})`
    : `past the RTO of ${formatDuration(rtoMs)}; see the timeline`
}
