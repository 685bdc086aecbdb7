import { enqueueNotifications } from '../notify/enqueue.js'
import type { Platform } from '../platform/platform.js'
import { openIncidentsCovering } from '../recovery/open-incident.js'
import { describeSuperseded, type SupersedeResult } from '../rollback/supersede-run.js'

/**
 * Tells people that an automatic rollback will not be finished because someone deployed since it stopped:
 * the channels told about every incident, and everyone told about an open incident of its apps. Queued in the
 * outbox (delivered beside the monitor, never in its way). Returns the channels told.
 */
export async function tellSuperseded(p: Platform, closed: SupersedeResult): Promise<string[]> {
  return p.state.writeTransaction(async (tx) => {
    const incidents = await openIncidentsCovering(tx, closed.apps)
    const channels = [...new Set([...p.config.notifications.incidents, ...incidents.flatMap((i) => i.audience)])]
    if (channels.length === 0) return []
    await enqueueNotifications(tx, p.config, {
      kind: 'rollback_superseded',
      channels,
      severity: 'high',
      vars: {
        scope: closed.apps.join(', '),
        issue: describeSuperseded(closed.superseded),
        summary: `${closed.run}, stopped ${closed.stoppedAt}`,
      },
    })
    return channels
  })
}
