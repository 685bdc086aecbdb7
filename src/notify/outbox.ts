import { setMaxListeners } from 'node:events'
import { hostname } from 'node:os'
import type { ResolvedConfig } from '../config/types.js'
import { formatDuration } from '../config-parts/units.js'
import { createLogger, type Logger } from '../core/logger.js'
import { redact } from '../core/redact.js'
import { startTimer } from '../core/timers.js'
import type { State, StateDb } from '../state/open-state.js'
import { type AttemptRecord, outcomeOf } from './attempt-outcome.js'
import { channelFor } from '../channels/channel-registry.js'
import type { Channel, Delivery } from '../channels/message.js'
import { type ClaimedRow, claimDue, type CutAttempt, pendingOutlook, recordAttempt } from './outbox-store.js'
import { messageOf } from '../core/errors.js'

export type { AttemptRecord } from './attempt-outcome.js'

export interface OutboxOptions {
  state: State
  config: ResolvedConfig
  /** Who holds a claim; default host:pid. Two outboxes of one process should pass different owners. */
  owner?: string
  /** Clock (ms) for due times, claims and next attempts; default Date.now. */
  now?: () => number
  /**
   * Called for every recorded attempt inside the write transaction that records it (a timeline entry…), an
   * attempt cut off by a stopped process included (recorded when its row is claimed again). If it throws, the
   * record is rolled back too and the message is attempted again once its claim runs out.
   */
  onAttempt?: (tx: StateDb, a: AttemptRecord) => Promise<void>
  /** Where failures of the outbox itself (not of a delivery) are reported; default the stderr logger. */
  log?: Logger
}

/** Attempts one outbox runs at once; more due rows wait for the next round. */
const MAX_IN_FLIGHT = 32
/** How long a claim outlives the attempt's timeout: time to record the result, the writer lock included. */
const CLAIM_MARGIN_MS = 15_000

/**
 * Delivers the notification outbox. Queuing (notify/enqueue.ts) is a row insert in the caller's transaction;
 * this class sends those rows separately, so a slow or dead channel never holds up the action that queued the
 * message. Each attempt has its own timeout and its own transaction: one dead channel costs its own timeout,
 * never another channel's delivery. Rows are claimed with owner and expiry, so several processes (replicas,
 * a CLI command beside the monitor) may run outboxes on one state without sending a row twice; a crashed
 * process's claims run out and are taken over. Per channel and incident, messages go out in the order they were
 * queued (outbox-store.ts): a message waits behind an earlier one that is not delivered yet.
 */
export class Outbox {
  private readonly channels = new Map<string, Channel>()
  private readonly owner: string
  private readonly now: () => number
  private readonly log: Logger
  private readonly inFlight = new Set<Promise<void>>()
  private loop: Promise<void> | undefined
  private stopping = false
  private readonly sleepers = new Set<() => void>()

  constructor(private readonly opts: OutboxOptions) {
    for (const c of opts.config.notifications.channels) this.channels.set(c.name, channelFor(c))
    this.owner = opts.owner ?? `${hostname()}:${process.pid}`
    this.now = opts.now ?? Date.now
    this.log = opts.log ?? createLogger()
  }

  /** Claims every due row it has room for, attempts them concurrently, and returns how many it attempted. */
  async deliverDue(deadline?: AbortSignal): Promise<number> {
    const attempts = await this.launchDue(deadline)
    await Promise.all(attempts)
    return attempts.length
  }

  /** Delivers in the background every pollMs until stop(). Calling it twice does nothing more. */
  start(pollMs = 500): void {
    if (this.loop) return
    this.stopping = false
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          // Not awaiting the attempts: a row queued while a dead channel hangs is still claimed next round.
          void (await this.launchDue())
        } catch (err) {
          this.log.warn({ err: redact(messageOf(err)) }, 'notification outbox: cannot claim due messages')
        }
        if (!this.stopping) await this.sleep(pollMs)
      }
    })()
  }

  /** Ends the loop and waits for attempts in flight, each of which ends by its own timeout. */
  async stop(): Promise<void> {
    this.stopping = true
    for (const wake of this.sleepers) wake()
    await this.loop
    this.loop = undefined
    await Promise.all([...this.inFlight])
  }

  /**
   * For a short command before it exits: delivers what is due and keeps retrying (after each backoff) until
   * nothing pending comes due before maxMs has passed. An attempt still running at maxMs is cut off and
   * stays queued for the next outbox. Returns how many messages are still pending.
   */
  async drain(maxMs: number): Promise<number> {
    const end = performance.now() + maxMs
    const deadline = new AbortController()
    // Every attempt of the drain listens to this one signal.
    setMaxListeners(Infinity, deadline.signal)
    const timer = setTimeout(() => deadline.abort(new Error(`not delivered within ${formatDuration(maxMs)}; it stays queued`)), maxMs)
    try {
      for (;;) {
        await this.deliverDue(deadline.signal)
        const { pending, nextDueMs } = await pendingOutlook(this.opts.state.db, this.owner, this.now())
        // At least a moment: a row this outbox's own loop has in flight reads as due until it is recorded.
        const wait = nextDueMs === undefined ? Infinity : Math.max(10, nextDueMs - this.now())
        if (deadline.signal.aborted || performance.now() + wait >= end) return pending
        await this.sleep(wait)
      }
    } finally {
      clearTimeout(timer)
    }
  }

  private async launchDue(deadline?: AbortSignal): Promise<Promise<void>[]> {
    const { timeoutMs, retry } = this.opts.config.notifications
    const room = MAX_IN_FLIGHT - this.inFlight.size
    if (room <= 0) return []
    const rows = await this.opts.state.writeTransaction(async (tx) => {
      const nowMs = this.now()
      const { claimed, cut } = await claimDue(tx, {
        owner: this.owner,
        nowMs,
        claimMs: timeoutMs + CLAIM_MARGIN_MS,
        limit: room,
        maxAttempts: retry.attempts,
      })
      // The attempts a stopped process never recorded, in the claim's transaction: the timeline misses none.
      for (const c of cut) await this.opts.onAttempt?.(tx, cutRecord(c, nowMs))
      return claimed
    })
    return rows.map((row) => {
      const p = this.attempt(row, deadline).finally(() => this.inFlight.delete(p))
      this.inFlight.add(p)
      return p
    })
  }

  /** One attempt and its record. Never rejects: a failure to record is logged and the claim runs out. */
  private async attempt(row: ClaimedRow, deadline?: AbortSignal): Promise<void> {
    const started = performance.now()
    const delivery = await this.send(row, deadline)
    const ms = Math.round(performance.now() - started)
    const nowMs = this.now()
    const record: AttemptRecord = {
      message: row.message,
      channel: row.channel,
      attempt: row.attempt,
      delivery,
      ms,
      ...outcomeOf(delivery, row.attempt, this.opts.config.notifications.retry, nowMs),
    }
    try {
      await this.opts.state.writeTransaction(async (tx) => {
        if (await recordAttempt(tx, row, this.owner, record, nowMs)) await this.opts.onAttempt?.(tx, record)
      })
    } catch (err) {
      this.log.warn(
        { err: redact(messageOf(err)), notification: row.id },
        'notification outbox: cannot record a delivery attempt; it will be retried',
      )
    }
  }

  private async send(row: ClaimedRow, deadline?: AbortSignal): Promise<Delivery> {
    const { retry, timeoutMs } = this.opts.config.notifications
    const channel = this.channels.get(row.channel)
    if (!channel) {
      return {
        ok: false,
        retryable: false,
        detail: `channel "${row.channel}" is no longer configured under notifications.channels; the message was not sent`,
      }
    }
    if (row.attempt > retry.attempts) {
      return {
        ok: false,
        retryable: false,
        detail: `no attempts left: ${row.attempt - 1} were made, and notifications.retry.attempts is now ${retry.attempts}`,
      }
    }
    const abort = new AbortController()
    const timer = startTimer(timeoutMs, () => abort.abort(new Error(`timed out after ${formatDuration(timeoutMs)}`)))
    const follow = () => abort.abort(deadline?.reason)
    deadline?.addEventListener('abort', follow, { once: true })
    if (deadline?.aborted) follow()
    try {
      const d = await channel.send(row.message, abort.signal)
      return { ...d, detail: redact(d.detail) }
    } catch (err) {
      // The Channel contract says send never throws; a bug there must not lose the row.
      return { ok: false, retryable: true, detail: redact(`${channel.type} ${channel.name}: ${messageOf(err)}`) }
    } finally {
      timer.clear()
      deadline?.removeEventListener('abort', follow)
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.sleepers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.sleepers.add(done)
    })
  }
}

/** A cut-off attempt as the outbox records any other: tried again at once, or the last one, given up. */
function cutRecord(c: CutAttempt, nowMs: number): AttemptRecord {
  const { message, channel, attempt } = c.row
  const delivery = { ok: false, retryable: !c.gaveUp, detail: c.detail }
  const then = c.gaveUp ? { outcome: 'gave-up' as const } : { outcome: 'retry' as const, nextAttemptAt: new Date(nowMs).toISOString() }
  return { message, channel, attempt, delivery, ms: 0, ...then }
}
