import { HOST, processAlive } from '../core/process-alive.js'
import type { StateDb } from '../state/open-state.js'
import type { AttemptRecord } from './attempt-outcome.js'
import type { Message } from './message.js'

/**
 * The outbox rows' life: pending → claimed by one process for one attempt → sent, failed, or pending again
 * with a later next_attempt_at. Claims are taken in a write transaction, which every engine serialises, so
 * two processes never claim one row; a claim runs out (claimed_until) so a crashed process's rows come back,
 * at once when that process was on this host.
 */
export interface ClaimedRow {
  id: string
  channel: string
  message: Message
  /** The attempt this claim is for (attempts counted at claim time: a crash mid-send still used one). */
  attempt: number
}

export async function claimDue(tx: StateDb, opts: { owner: string; nowMs: number; claimMs: number; limit: number }): Promise<ClaimedRow[]> {
  const now = new Date(opts.nowMs).toISOString()
  const candidates = await tx
    .selectFrom('notifications')
    .select(['id', 'channel', 'message', 'attempts', 'claimed_by', 'claimed_until'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now), eb('claimed_by', 'like', `${HOST}:%`)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(opts.limit)
    .execute()
  const rows = candidates.filter((r) => r.claimed_until === null || r.claimed_until <= now || deadHere(r.claimed_by, opts.owner))
  if (rows.length === 0) return []
  await tx
    .updateTable('notifications')
    .set((eb) => ({ claimed_by: opts.owner, claimed_until: new Date(opts.nowMs + opts.claimMs).toISOString(), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', rows.map((r) => r.id))
    .execute()
  return rows.map((r) => ({ id: r.id, channel: r.channel, message: JSON.parse(r.message) as Message, attempt: Number(r.attempts) + 1 }))
}

/**
 * A live claim by a process of this host that no longer exists (a monitor killed mid-send): its row need not
 * wait for the claim to run out. Claims of other hosts, or of processes still running, are left alone.
 */
function deadHere(claimedBy: string | null, owner: string): boolean {
  if (!claimedBy || claimedBy === owner) return false
  const pid = Number(claimedBy.slice(HOST.length + 1))
  return Number.isInteger(pid) && pid > 0 && !processAlive(pid)
}

/**
 * Writes an attempt's result, if the claim is still this owner's for this attempt (the attempt count is the
 * fencing token: a process that was paused past its claim finds the row re-claimed and writes nothing).
 * Returns whether it wrote.
 */
export async function recordAttempt(tx: StateDb, row: ClaimedRow, owner: string, a: AttemptRecord, nowMs: number): Promise<boolean> {
  const at = new Date(nowMs).toISOString()
  const result = await tx
    .updateTable('notifications')
    .set({
      status: a.outcome === 'sent' ? 'sent' : a.outcome === 'retry' ? 'pending' : 'failed',
      claimed_by: null,
      claimed_until: null,
      ...(a.outcome === 'sent' ? { sent_at: at } : { last_error: a.delivery.detail }),
      ...(a.nextAttemptAt ? { next_attempt_at: a.nextAttemptAt } : {}),
    })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .where('claimed_by', '=', owner)
    .where('attempts', '=', row.attempt)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * How many messages are still pending (whoever holds them), and when the earliest one no other process holds
 * is due (ms): drain waits for it only if it comes before its deadline.
 */
export async function pendingOutlook(db: StateDb, owner: string, nowMs: number): Promise<{ pending: number; nextDueMs?: number }> {
  const now = new Date(nowMs).toISOString()
  const all = await db.selectFrom('notifications').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()
  const ours = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.min('next_attempt_at').as('first'))
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now), eb('claimed_by', '=', owner)]))
    .executeTakeFirst()
  const first = ours?.first ? Date.parse(String(ours.first)) : undefined
  return { pending: Number(all.n), ...(first !== undefined ? { nextDueMs: first } : {}) }
}
