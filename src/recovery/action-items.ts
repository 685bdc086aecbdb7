import { timeId } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import type { StateDb } from '../state/open-state.js'
import type { ActionItemTable } from '../state/schema.js'
import { listIncidents, requireIncident } from './incident-store.js'
import { recordTimeline } from './timeline.js'

/**
 * A post-mortem action item as tracked: a follow-up of an incident that a person owns until a due time. It is
 * open until someone marks it done; past its due time while open it is overdue, and the recovery scheduler
 * tells the incident's audience once (overdue-action-items.ts). Each change is on the incident's timeline
 * (kinds action.added, action.done, action.overdue), and so in the audit trail.
 */
export interface ActionItem {
  id: string
  incident: string
  text: string
  owner: string
  dueAt: string
  createdAt: string
  createdBy: string
  doneAt: string | null
  doneBy: string | null
  note: string | null
  /** Computed when read: done, or open and overdue (past dueAt), or open. */
  status: ActionItemStatus
  overdueNotifiedAt: string | null
}

export type ActionItemStatus = 'open' | 'overdue' | 'done'

export async function addActionItem(
  p: Platform,
  o: { incident: string; text: string; owner: string; dueAt: string; actor: string; now?: number },
): Promise<ActionItem> {
  const now = o.now ?? Date.now()
  const id = timeId('act', new Date(now))
  await p.state.writeTransaction(async (tx) => {
    await requireIncident(tx, o.incident)
    const at = new Date(now).toISOString()
    await tx
      .insertInto('action_items')
      .values({
        id,
        incident_id: o.incident,
        text: o.text,
        owner: o.owner,
        due_at: o.dueAt,
        created_at: at,
        created_by: o.actor,
        done_at: null,
        done_by: null,
        note: null,
        overdue_notified_at: null,
      })
      .execute()
    await recordTimeline(tx, o.incident, {
      kind: 'action.added',
      actor: o.actor,
      message: `action item ${id} for ${o.owner}, due ${o.dueAt}: ${o.text}`,
      data: { item: id, owner: o.owner, dueAt: o.dueAt },
      at: now,
    })
  })
  return requireActionItem(p.state.db, id, now)
}

/** Marks an open item done; one already done is refused, naming who closed it. */
export async function completeActionItem(p: Platform, o: { id: string; actor: string; note?: string; now?: number }): Promise<ActionItem> {
  const now = o.now ?? Date.now()
  await p.state.writeTransaction(async (tx) => {
    const item = await requireActionItem(tx, o.id, now)
    if (item.doneAt) throw new UserError(`action item ${item.id} was already done by ${item.doneBy ?? 'unknown'} at ${item.doneAt}`)
    const at = new Date(now).toISOString()
    await tx
      .updateTable('action_items')
      .set({ done_at: at, done_by: o.actor, note: o.note ?? null })
      .where('id', '=', item.id)
      .execute()
    const late = item.status === 'overdue' ? ` (after its due time ${item.dueAt})` : ''
    await recordTimeline(tx, item.incident, {
      kind: 'action.done',
      actor: o.actor,
      message: `action item ${item.id} done${late}: ${item.text}${o.note ? ` (${o.note})` : ''}`,
      data: { item: item.id, owner: item.owner, dueAt: item.dueAt, late: late !== '', ...(o.note ? { note: o.note } : {}) },
      at: now,
    })
  })
  return requireActionItem(p.state.db, o.id, now)
}

export async function requireActionItem(db: StateDb, id: string, now = Date.now()): Promise<ActionItem> {
  const r = await db.selectFrom('action_items').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) throw new UserError(`no action item "${id}"; \`lastgood incident action list --all\` shows them`)
  return fromRow(r, now)
}

/**
 * Items in the order they were added, open ones only unless `all`; `overdue`: only open items past their due
 * time, the longest overdue first.
 */
export async function listActionItems(
  db: StateDb,
  o: { incident?: string; all?: boolean; overdue?: boolean; now?: number } = {},
): Promise<ActionItem[]> {
  const now = o.now ?? Date.now()
  let q = db.selectFrom('action_items').selectAll()
  if (o.incident !== undefined) q = q.where('incident_id', '=', o.incident)
  if (o.overdue) q = q.where('done_at', 'is', null).where('due_at', '<', new Date(now).toISOString()).orderBy('due_at', 'asc')
  else if (!o.all) q = q.where('done_at', 'is', null)
  const rows = await q.orderBy('created_at', 'asc').orderBy('id', 'asc').execute()
  return rows.map((r) => fromRow(r, now))
}

/** What `status` shows: how many items of incidents touching these apps are overdue, and the longest overdue. */
export async function overdueSummary(db: StateDb, apps: readonly string[]): Promise<{ count: number; oldest: ActionItem | null }> {
  const overdue = await listActionItems(db, { overdue: true })
  if (overdue.length === 0) return { count: 0, oldest: null }
  const touching = new Set((await listIncidents(db)).filter((i) => i.scope.some((a) => apps.includes(a))).map((i) => i.id))
  const items = overdue.filter((i) => touching.has(i.incident))
  return { count: items.length, oldest: items[0] ?? null }
}

function fromRow(r: ActionItemTable, now: number): ActionItem {
  return {
    id: r.id,
    incident: r.incident_id,
    text: r.text,
    owner: r.owner,
    dueAt: r.due_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    doneAt: r.done_at,
    doneBy: r.done_by,
    note: r.note,
    status: r.done_at ? 'done' : Date.parse(r.due_at) < now ? 'overdue' : 'open',
    overdueNotifiedAt: r.overdue_notified_at,
  }
}
