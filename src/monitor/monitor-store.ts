import { hostname } from 'node:os'
import { timeId } from '../core/clock.js'
import type { State, StateDb } from '../state/open-state.js'
import type { AppCooldown } from './decide.js'
import type { TriggerState } from './trigger-state.js'

/**
 * What the monitor keeps in the state database so a restart resumes where it was. Writes happen on changes
 * only (a trigger's phase or streak, a cooldown), never per evaluation, so 500 healthy apps cost no writes.
 */

/** Like Prometheus' for_grace_period: a pending `for` survives a monitor outage no longer than this. */
export const RESUME_GRACE_MS = 10 * 60_000

export async function loadTriggerStates(db: StateDb, apps: string[]): Promise<Map<string, TriggerState & { updatedAt: number }>> {
  const out = new Map<string, TriggerState & { updatedAt: number }>()
  if (apps.length === 0) return out
  const rows = await db.selectFrom('monitor_triggers').selectAll().where('app', 'in', apps).execute()
  for (const r of rows) {
    out.set(triggerKey(r.app, r.trigger), {
      phase: r.state as TriggerState['phase'],
      since: Date.parse(r.since),
      streak: Number(r.streak),
      updatedAt: Date.parse(r.updated_at),
    })
  }
  return out
}

export async function saveTriggerState(state: State, app: string, trigger: string, s: TriggerState, value: unknown): Promise<void> {
  const row = {
    state: s.phase,
    since: new Date(s.since || Date.now()).toISOString(),
    streak: s.streak,
    value: value === undefined ? null : JSON.stringify(value),
    updated_at: new Date().toISOString(),
  }
  await state.writeTransaction((tx) =>
    tx
      .insertInto('monitor_triggers')
      .values({ app, trigger, ...row })
      .onConflict((oc) => oc.columns(['app', 'trigger']).doUpdateSet(row))
      .execute(),
  )
}

export async function resetAppTriggers(state: State, app: string): Promise<void> {
  await state.writeTransaction((tx) => tx.deleteFrom('monitor_triggers').where('app', '=', app).execute())
}

export async function loadCooldown(db: StateDb, app: string): Promise<AppCooldown> {
  const r = await db.selectFrom('monitor_apps').selectAll().where('app', '=', app).executeTakeFirst()
  return {
    cooldownUntil: r?.cooldown_until ? Date.parse(r.cooldown_until) : null,
    automaticRollbacks: Number(r?.automatic_rollbacks ?? 0),
    lastRun: r?.last_run ?? null,
  }
}

export async function saveCooldown(state: State, app: string, c: AppCooldown, lastRun: string | null): Promise<void> {
  const row = {
    cooldown_until: c.cooldownUntil === null ? null : new Date(c.cooldownUntil).toISOString(),
    automatic_rollbacks: c.automaticRollbacks,
    last_run: lastRun,
    updated_at: new Date().toISOString(),
  }
  await state.writeTransaction((tx) =>
    tx
      .insertInto('monitor_apps')
      .values({ app, ...row })
      .onConflict((oc) => oc.column('app').doUpdateSet(row))
      .execute(),
  )
}

export function monitorId(): string {
  return `${hostname()}:${process.pid}`
}

/**
 * The last time any monitor was alive (ms), or null when none ever ran; with `running`, only monitors that
 * did not stop cleanly since (a killed one still counts until its heartbeat ages).
 */
export async function lastHeartbeat(db: StateDb, opts: { running?: boolean } = {}): Promise<number | null> {
  let q = db.selectFrom('monitor_heartbeats').select(({ fn }) => fn.max('heartbeat_at').as('at'))
  if (opts.running) q = q.where('stopped_at', 'is', null)
  const r = await q.executeTakeFirst()
  return r?.at ? Date.parse(String(r.at)) : null
}

export async function beat(state: State, id: string, apps: string[], stopped = false): Promise<void> {
  const now = new Date().toISOString()
  const row = { apps: JSON.stringify(apps), heartbeat_at: now, stopped_at: stopped ? now : null }
  await state.writeTransaction((tx) =>
    tx
      .insertInto('monitor_heartbeats')
      .values({ monitor: id, started_at: now, ...row })
      .onConflict((oc) => oc.column('monitor').doUpdateSet(row))
      .execute(),
  )
}

export interface PendingRollback {
  id: string
  app: string
  trigger: string
  target: string | null
  reason: string
  createdAt: string
}

/** An `alert` trigger's proposal. One open proposal per app and trigger: a repeat firing does not add another. */
export async function recordPendingRollback(
  state: State,
  p: Omit<PendingRollback, 'id' | 'createdAt'>,
): Promise<{ pending: PendingRollback; existing: boolean }> {
  return state.writeTransaction(async (tx) => {
    const open = await tx
      .selectFrom('pending_rollbacks')
      .selectAll()
      .where('app', '=', p.app)
      .where('trigger', '=', p.trigger)
      .where('status', '=', 'pending')
      .executeTakeFirst()
    if (open) return { pending: fromPendingRow(open), existing: true }
    const pending: PendingRollback = { id: timeId('pr'), createdAt: new Date().toISOString(), ...p }
    await tx
      .insertInto('pending_rollbacks')
      .values({
        id: pending.id,
        app: p.app,
        trigger: p.trigger,
        target: p.target,
        reason: p.reason,
        created_at: pending.createdAt,
        status: 'pending',
        resolved_by: null,
        resolved_at: null,
        run_id: null,
      })
      .execute()
    return { pending, existing: false }
  })
}

export async function listPendingRollbacks(db: StateDb, apps?: string[]): Promise<PendingRollback[]> {
  let q = db.selectFrom('pending_rollbacks').selectAll().where('status', '=', 'pending').orderBy('created_at', 'asc')
  if (apps) q = q.where('app', 'in', apps.length ? apps : [''])
  return (await q.execute()).map(fromPendingRow)
}

export async function findPendingRollback(db: StateDb, id: string): Promise<(PendingRollback & { status: string }) | undefined> {
  const r = await db.selectFrom('pending_rollbacks').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? { ...fromPendingRow(r), status: r.status } : undefined
}

export async function resolvePendingRollback(
  tx: StateDb,
  id: string,
  by: string,
  runId: string | null,
  status: 'done' | 'dismissed',
): Promise<void> {
  await tx
    .updateTable('pending_rollbacks')
    .set({ status, resolved_by: by, resolved_at: new Date().toISOString(), run_id: runId })
    .where('id', '=', id)
    .execute()
}

function fromPendingRow(r: {
  id: string
  app: string
  trigger: string
  target: string | null
  reason: string
  created_at: string
}): PendingRollback {
  return { id: r.id, app: r.app, trigger: r.trigger, target: r.target, reason: r.reason, createdAt: r.created_at }
}

/** One map key per app and trigger; NUL cannot occur in either name. */
export function triggerKey(app: string, trigger: string): string {
  return `${app}\u0000${trigger}`
}
