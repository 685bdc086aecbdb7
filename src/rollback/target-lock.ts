import { appendAuditIn } from '../audit/audit-log.js'
import { RefusedError } from '../core/errors.js'
import { HOST, processAlive } from '../core/process-alive.js'
import type { State, StateDb } from '../state/open-state.js'
import type { LockTable } from '../state/schema.js'

/** A lock not renewed for this long is stale, whoever holds it: its holder is paused, cut off or gone. */
export const LOCK_TTL_MS = 30_000

export interface TargetLock {
  targets: string[]
  runId: string
  /** Fencing token of this acquisition; a later acquisition always has a larger one. */
  token: number
  /** Throws inside tx when any target was taken over since we acquired it: the caller must stop acting. */
  assertHeld(tx: StateDb): Promise<void>
  release(): Promise<void>
}

export interface AcquireOptions {
  /**
   * Runs first inside the acquiring transaction and may throw to refuse: a check that must be atomic with
   * the acquisition (no unfinished run of these targets; the run being resumed is still unfinished).
   */
  guard?: (tx: StateDb) => Promise<void>
}

/**
 * Takes the rollback locks of all targets at once, or none. A live holder → RefusedError (exit 3) naming
 * its run. A holder that is a dead process on this host, or whose lock expired, is stale: its lock is taken
 * over and the takeover is audited. While held, the lock is renewed every third of its lifetime.
 */
export async function acquireTargetLock(
  state: State,
  targets: string[],
  runId: string,
  actor: string,
  opts: AcquireOptions = {},
): Promise<TargetLock> {
  const token = await state.writeTransaction(async (tx) => {
    const now = Date.now()
    await opts.guard?.(tx)
    const held = await tx.selectFrom('locks').selectAll().where('target', 'in', targets).execute()
    for (const lock of held) {
      const stale = lockStaleness(lock, now)
      if (!stale) throw lockedError(lock)
      await appendAuditIn(tx, {
        actor,
        action: 'lock.takeover',
        target: lock.target,
        reason: stale,
        outcome: 'success',
        details: { previousRun: lock.run_id, previousHost: lock.owner_host, previousPid: lock.owner_pid, newRun: runId },
      })
      await tx
        .updateTable('rollback_runs')
        .set({ status: 'interrupted', ended_at: new Date(now).toISOString() })
        .where('id', '=', lock.run_id)
        .where('status', '=', 'running')
        .execute()
    }
    const counter = await tx.selectFrom('counters').select('value').where('name', '=', 'lock_token').executeTakeFirstOrThrow()
    const next = Number(counter.value) + 1
    await tx.updateTable('counters').set({ value: next }).where('name', '=', 'lock_token').execute()
    await tx.deleteFrom('locks').where('target', 'in', targets).execute()
    const stamp = new Date(now).toISOString()
    await tx
      .insertInto('locks')
      .values(
        targets.map((target) => ({
          target,
          run_id: runId,
          owner_host: HOST,
          owner_pid: process.pid,
          token: next,
          acquired_at: stamp,
          expires_at: new Date(now + LOCK_TTL_MS).toISOString(),
        })),
      )
      .execute()
    return next
  })

  const renew = setInterval(() => {
    void state.db
      .updateTable('locks')
      .set({ expires_at: new Date(Date.now() + LOCK_TTL_MS).toISOString() })
      .where('target', 'in', targets)
      .where('token', '=', token)
      .execute()
      .catch(() => undefined)
  }, LOCK_TTL_MS / 3)
  renew.unref()

  return {
    targets,
    runId,
    token,
    async assertHeld(tx) {
      const mine = await tx.selectFrom('locks').select('target').where('target', 'in', targets).where('token', '=', token).execute()
      if (mine.length !== targets.length) {
        throw new LockLostError(`the lock of rollback ${runId} was taken over by another run after it expired; this run stops here`)
      }
    },
    async release() {
      clearInterval(renew)
      await state.db.deleteFrom('locks').where('target', 'in', targets).where('token', '=', token).execute()
    },
  }
}

/**
 * Read-only: refuses (exit 3) when a live run holds any of targets. Planning asks first, so a rollback that
 * arrives while another is under way is told so, instead of planning against a half-switched app.
 */
export async function refuseLiveLocks(db: StateDb, targets: string[]): Promise<void> {
  const now = Date.now()
  const held = await db.selectFrom('locks').selectAll().where('target', 'in', targets).execute()
  const live = held.find((lock) => lockStaleness(lock, now) === null)
  if (live) throw lockedError(live)
}

function lockedError(lock: LockTable): RefusedError {
  return new RefusedError(
    `${lock.target} is locked by rollback ${lock.run_id} (pid ${lock.owner_pid} on ${lock.owner_host}, since ${lock.acquired_at}); ` +
      'wait for it to finish, or look at it with `lastgood status`',
  )
}

export class LockLostError extends Error {
  override readonly name = 'LockLostError'
}

/** Why a lock no longer protects its holder (dead process on this host, or not renewed in time), or null. */
export function lockStaleness(lock: LockTable, now: number): string | null {
  if (lock.owner_host === HOST && !processAlive(Number(lock.owner_pid))) return `holder pid ${lock.owner_pid} is no longer running`
  if (Date.parse(lock.expires_at) < now) return `lock expired at ${lock.expires_at} without renewal`
  return null
}
