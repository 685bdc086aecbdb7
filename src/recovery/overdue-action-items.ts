import { formatDuration } from '../config-parts/units.js'
import type { Platform } from '../platform/platform.js'
import { listActionItems } from './action-items.js'
import { requireIncident } from './incident-store.js'
import { tellIncident } from './tell-incident.js'
import { recordTimeline } from './timeline.js'

/**
 * Tells the incident's audience once about each open action item past its due time (`action_item_overdue`),
 * and records it on the incident's timeline. Ticked by the recovery scheduler; the mark is a conditional
 * update in the same write transaction as the message, so several processes, or one restarted, tell once.
 * The message follows the incident's own PagerDuty alert: a resolved incident's follow-up does not page.
 * Returns how many items were told about.
 */
export async function tellOverdueActionItems(p: Platform, opts: { actor: string; now?: number }): Promise<number> {
  const now = opts.now ?? Date.now()
  let told = 0
  for (const item of await listActionItems(p.state.db, { overdue: true, now })) {
    if (item.overdueNotifiedAt !== null) continue
    const done = await p.state.writeTransaction(async (tx) => {
      const marked = await tx
        .updateTable('action_items')
        .set({ overdue_notified_at: new Date(now).toISOString() })
        .where('id', '=', item.id)
        .where('done_at', 'is', null)
        .where('overdue_notified_at', 'is', null)
        .executeTakeFirst()
      if (Number(marked.numUpdatedRows) !== 1) return false
      const late = formatDuration(Math.round((now - Date.parse(item.dueAt)) / 1000) * 1000)
      await tellIncident(tx, p.config, await requireIncident(tx, item.incident), {
        kind: 'action_item_overdue',
        at: now,
        vars: {
          action_item: `${item.text} (${item.id})`,
          owner: item.owner,
          due: `${item.dueAt} (${late} ago)`,
          command: `lastgood incident action done ${item.id} --note "what was done"`,
        },
      })
      await recordTimeline(tx, item.incident, {
        kind: 'action.overdue',
        actor: opts.actor,
        message: `action item ${item.id} of ${item.owner} is overdue (due ${item.dueAt}): ${item.text}`,
        data: { item: item.id, owner: item.owner, dueAt: item.dueAt },
        at: now,
      })
      return true
    })
    if (done) told++
  }
  return told
}
