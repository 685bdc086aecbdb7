import type { Platform } from '../platform/platform.js'
import { requireIncident } from './incident-store.js'
import { recordTimeline } from './timeline.js'

/** A person's note on the timeline. */
export async function noteIncident(p: Platform, id: string, o: { actor: string; text: string; now?: number }): Promise<void> {
  await p.state.writeTransaction(async (tx) => {
    await requireIncident(tx, id)
    await recordTimeline(tx, id, { kind: 'note', actor: o.actor, message: o.text, ...(o.now !== undefined ? { at: o.now } : {}) })
  })
}
