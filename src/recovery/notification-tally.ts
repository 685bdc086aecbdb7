import type { StateDb } from '../state/open-state.js'

/** What became of an incident's messages on one channel. */
export interface ChannelTally {
  channel: string
  sent: number
  /** Given up after the last retry. */
  failed: number
  /** Still in the outbox: not yet delivered, or waiting for a retry. */
  pending: number
  /** The most recent delivery error on this channel, even if a later retry succeeded. */
  lastError: string | null
}

/**
 * Counts an incident's outbox rows per channel, in channel-name order. The outbox is the record of what was
 * sent (the timeline tells when), so it is counted here rather than the timeline's notification entries.
 */
export async function tallyNotifications(db: StateDb, incidentId: string): Promise<ChannelTally[]> {
  const rows = await db
    .selectFrom('notifications')
    .select(['channel', 'status', 'last_error', 'created_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('channel', 'asc')
    .orderBy('created_at', 'asc')
    .execute()
  const byChannel = new Map<string, ChannelTally>()
  for (const r of rows) {
    const t = byChannel.get(r.channel) ?? { channel: r.channel, sent: 0, failed: 0, pending: 0, lastError: null }
    if (r.status === 'sent') t.sent++
    else if (r.status === 'failed') t.failed++
    else t.pending++
    if (r.last_error) t.lastError = r.last_error
    byChannel.set(r.channel, t)
  }
  return [...byChannel.values()]
}
