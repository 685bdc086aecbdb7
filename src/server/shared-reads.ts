import { auditHead } from '../audit/audit-log.js'
import type { Platform } from '../platform/platform.js'

/** How long one computed answer serves everyone asking the same: a dashboard's refresh, not a decision's clock. */
export const SHARED_FOR_MS = 1000
/** An older answer may still be given while its successor is computed, never one older than this. */
export const STALE_FOR_MS = 5000

interface Entry {
  at: number
  head: number
  answer: Promise<unknown>
  /** The answer arrived: it may be given while its successor is computed. */
  ok: boolean
  /** The computation replacing this entry, while one runs. */
  refreshing?: Promise<unknown>
}

/**
 * Answers of shared reads (an operation marked `shared`, such as status): callers asking the same within
 * SHARED_FOR_MS of each other get one computation instead of one each; after that, one caller's request
 * starts the next computation and, until it is done (at most STALE_FOR_MS after the last), callers keep the
 * answer before it rather than wait. An answer is never given once the audit trail has moved (something
 * changed: a snapshot, a rollback, an incident): then everyone waits for the new one. A failed computation
 * is never kept. Under load this is what keeps `GET /status` cheap: twenty viewers polling a platform of
 * twenty apps cost one round of probes a second, not one per viewer, and none of them waits for it.
 */
export class SharedReads {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly p: Platform,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const head = await auditHead(this.p.state.db)
    const at = this.now()
    const hit = this.entries.get(key)
    if (hit && hit.head === head) {
      const age = at - hit.at
      if (age < SHARED_FOR_MS) return hit.answer as Promise<T>
      if (age < STALE_FOR_MS && hit.ok) {
        hit.refreshing ??= this.refresh(key, hit, compute)
        return hit.answer as Promise<T>
      }
    }
    const entry: Entry = { at, head, answer: compute(), ok: false }
    this.entries.set(key, entry)
    entry.answer.then(
      () => (entry.ok = true),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key)
      },
    )
    return entry.answer as Promise<T>
  }

  /** Computes the successor of `hit` and puts it in its place, unless something newer took the key meanwhile. */
  private refresh(key: string, hit: Entry, compute: () => Promise<unknown>): Promise<unknown> {
    const at = this.now()
    const answer = compute()
    answer.then(
      () => {
        if (this.entries.get(key) === hit) this.entries.set(key, { at, head: hit.head, answer, ok: true })
      },
      () => (hit.refreshing = undefined),
    )
    return answer
  }
}
