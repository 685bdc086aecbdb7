import { type ExpressionBuilder, sql } from 'kysely'
import { HOST, processAlive } from '../core/process-alive.js'
import type { Database } from '../state/schema.js'
import type { StateDb } from '../state/open-state.js'
import type { AttemptRecord } from './attempt-outcome.js'
import type { Message } from '../channels/message.js'

/**
 * The outbox rows' life: pending → claimed by one process for one attempt → sent, failed, or pending again
 * with a later next_attempt_at. Claims are taken in a write transaction, which every engine serialises, so
 * two processes never claim one row; a claim runs out (claimed_until) so a crashed process's rows come back,
 * at once when that process was on this host. Per channel and dedup key (one incident), only the earliest
 * pending row may be claimed: a message waits behind an undelivered earlier one, so an escalation never
 * overtakes its declaration and PagerDuty never gets a resolve before its trigger.
 */
export interface ClaimedRow {
  id: string
  channel: string
  message: Message
  /** The attempt this claim is for (attempts counted at claim time: a crash mid-send still used one). */
  attempt: number
}

/**
 * An attempt whose process stopped (or was paused past its claim) before recording it, found when its row
 * comes up again: it is recorded then, so the timeline counts every attempt. With attempts left the row is
 * claimed again at once (the receiver did not refuse anything); after the last one the row is given up.
 */
export interface CutAttempt {
  row: ClaimedRow
  gaveUp: boolean
  detail: string
}

export async function claimDue(
  tx: StateDb,
  opts: { owner: string; nowMs: number; claimMs: number; limit: number; maxAttempts: number },
): Promise<{ claimed: ClaimedRow[]; cut: CutAttempt[] }> {
  const now = new Date(opts.nowMs).toISOString()
  const candidates = await tx
    .selectFrom('notifications as n')
    .select(['n.id', 'n.channel', 'n.message', 'n.attempts', 'n.claimed_by', 'n.claimed_until'])
    .where('n.status', '=', 'pending')
    .where('n.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('n.claimed_until', 'is', null), eb('n.claimed_until', '<=', now), eb('n.claimed_by', 'like', `${HOST}:%`)]))
    .where(firstInLine)
    .orderBy('n.next_attempt_at')
    .orderBy('n.seq')
    .limit(opts.limit)
    .execute()
  const rows = candidates.filter((r) => r.claimed_until === null || r.claimed_until <= now || deadHere(r.claimed_by, opts.owner))
  // A claim is released when its attempt is recorded: one still here was cut off.
  const cut = rows.filter((r) => r.claimed_by !== null && Number(r.attempts) > 0).map((r) => cutAttempt(r, opts.maxAttempts))
  const exhausted = cut.filter((c) => c.gaveUp)
  for (const c of exhausted) {
    await tx
      .updateTable('notifications')
      .set({ status: 'failed', claimed_by: null, claimed_until: null, last_error: c.detail })
      .where('id', '=', c.row.id)
      .execute()
  }
  const toClaim = rows.filter((r) => !exhausted.some((c) => c.row.id === r.id))
  if (toClaim.length > 0) {
    await tx
      .updateTable('notifications')
      .set((eb) => ({
        claimed_by: opts.owner,
        claimed_until: new Date(opts.nowMs + opts.claimMs).toISOString(),
        attempts: eb('attempts', '+', 1),
      }))
      .where(
        'id',
        'in',
        toClaim.map((r) => r.id),
      )
      .execute()
  }
  return { claimed: toClaim.map((r) => ({ ...rowOf(r), attempt: Number(r.attempts) + 1 })), cut }
}

interface Candidate {
  id: string
  channel: string
  message: string
  attempts: number
  claimed_by: string | null
}

function rowOf(r: Candidate): ClaimedRow {
  return { id: r.id, channel: r.channel, message: JSON.parse(r.message) as Message, attempt: Number(r.attempts) }
}

function cutAttempt(r: Candidate, maxAttempts: number): CutAttempt {
  const n = Number(r.attempts)
  const what = `attempt ${n} of ${maxAttempts} was cut off before it finished (${r.claimed_by} stopped before recording it)`
  const gaveUp = n >= maxAttempts
  return { row: rowOf(r), gaveUp, detail: gaveUp ? `no attempts left: ${what}` : what }
}

/** No earlier row of the same channel and dedup key is still pending (in flight, or waiting for a retry). */
function firstInLine(eb: ExpressionBuilder<Database & { n: Database['notifications'] }, 'n'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('notifications as e')
        .select(sql`1`.as('one'))
        .whereRef('e.channel', '=', 'n.channel')
        .whereRef('e.dedup_key', '=', 'n.dedup_key')
        .where('e.status', '=', 'pending')
        .whereRef('e.seq', '<', 'n.seq'),
    ),
  )
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

/** How many messages wait in the outbox, whoever holds them: the outbox's depth. */
export async function pendingCount(db: StateDb): Promise<number> {
  const all = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return Number(all.n)
}

/**
 * How many messages are still pending (whoever holds them), and when the earliest one no other process holds
 * and no earlier message holds up is due (ms): drain waits for it only if it comes before its deadline.
 */
export async function pendingOutlook(db: StateDb, owner: string, nowMs: number): Promise<{ pending: number; nextDueMs?: number }> {
  const now = new Date(nowMs).toISOString()
  const pending = await pendingCount(db)
  const ours = await db
    .selectFrom('notifications as n')
    .select((eb) => eb.fn.min('n.next_attempt_at').as('first'))
    .where('n.status', '=', 'pending')
    .where((eb) => eb.or([eb('n.claimed_until', 'is', null), eb('n.claimed_until', '<=', now), eb('n.claimed_by', '=', owner)]))
    .where(firstInLine)
    .executeTakeFirst()
  const first = ours?.first ? Date.parse(String(ours.first)) : undefined
  return { pending, ...(first !== undefined ? { nextDueMs: first } : {}) }
}
