import type { AuditEvent } from '../audit/audit-event.js'
import { fromRow } from '../audit/audit-log.js'
import { redactDeep } from '../core/redact.js'
import type { StateDb } from '../state/open-state.js'

/** What a stream client hears: an event of the audit chain (its `seq` the id), or a run's start or end (no id). */
export type FeedItem = { kind: 'audit'; event: AuditEvent } | { kind: 'run'; name: string; data: Record<string, unknown> }

export type FeedListener = (item: FeedItem) => void

/** At most this many events per query, so a burst (or a long replay) is read in pages. */
const PAGE = 500

/**
 * The live side of the event stream: ONE poller of the audit chain shared by every client, so events written
 * by any process on the same state (this server's monitor and operations, a local CLI) reach every client a
 * poll interval after they commit. It polls only while someone listens, and starts from the head then: what
 * came before is a replay (readAfter), not news. A run's start and end, which are not state changes and so
 * not in the chain, are published here directly.
 */
export class EventFeed {
  private readonly listeners = new Set<FeedListener>()
  private last = 0
  private timer: NodeJS.Timeout | undefined
  private polling: Promise<void> | undefined
  private again = false
  private closed = false

  constructor(
    private readonly db: StateDb,
    private readonly pollMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Listens from the chain's current head on; returns the unsubscribe. */
  async subscribe(fn: FeedListener): Promise<() => void> {
    if (this.listeners.size === 0) this.last = await headSeq(this.db)
    // Closed meanwhile (the server is stopping): nothing more will come.
    if (this.closed) return () => {}
    // Polling never keeps a stopping process alive.
    this.timer ??= setInterval(() => void this.poll(), this.pollMs).unref()
    this.listeners.add(fn)
    return () => {
      this.listeners.delete(fn)
      if (this.listeners.size === 0) this.stopPolling()
    }
  }

  /**
   * Something in this process has just committed events (an operation answered, a run ended): read them now
   * rather than at the next tick, so a change made through this server reaches its streams at once.
   */
  poke(): void {
    if (this.listeners.size === 0 || this.closed) return
    // A poll under way may have read before the commit: it polls once more when it is done.
    if (this.polling) this.again = true
    else void this.poll()
  }

  publish(item: FeedItem): void {
    for (const l of this.listeners) l(item)
  }

  /** Delivers what the chain holds now (the server is closing: the last events of its runs). */
  async flush(): Promise<void> {
    await this.polling
    if (this.listeners.size > 0) await this.poll()
  }

  /** Stops polling for good; listeners are the stream's to end. */
  close(): void {
    this.closed = true
    this.stopPolling()
  }

  private stopPolling(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private poll(): Promise<void> {
    // One query at a time: a slow database must not pile polls up.
    this.polling ??= (async () => {
      try {
        for (;;) {
          const events = await readAfter(this.db, this.last, PAGE)
          for (const event of events) {
            this.last = event.seq
            this.publish({ kind: 'audit', event })
          }
          if (events.length < PAGE || this.listeners.size === 0) return
        }
      } catch (err) {
        this.onError(err)
      } finally {
        this.polling = undefined
        if (this.again) {
          this.again = false
          void this.poll()
        }
      }
    })()
    return this.polling
  }
}

export async function headSeq(db: StateDb): Promise<number> {
  const head = await db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst()
  return Number(head?.seq ?? 0)
}

/** Events after seq, oldest first; redacted again on the way out, though the chain stores them redacted. */
export async function readAfter(db: StateDb, seq: number, limit: number): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', seq).orderBy('seq', 'asc').limit(limit).execute()
  return rows.map((r) => redactDeep(fromRow(r)))
}

/** The first event after seq, and the first after seq at or after the time `since`: where a replay starts. */
export async function replayStart(
  db: StateDb,
  seq: number,
  since: string,
): Promise<{ first?: { seq: number; ts: string }; firstYoung?: number }> {
  const first = await db.selectFrom('audit_events').select(['seq', 'ts']).where('seq', '>', seq).orderBy('seq').limit(1).executeTakeFirst()
  if (!first) return {}
  if (first.ts >= since) return { first: { seq: Number(first.seq), ts: first.ts }, firstYoung: Number(first.seq) }
  const young = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('seq', '>', seq)
    .where('ts', '>=', since)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst()
  return { first: { seq: Number(first.seq), ts: first.ts }, ...(young ? { firstYoung: Number(young.seq) } : {}) }
}
