import type { CheckpointListing, StoredCheckpoint } from '../repository/types.js'

export interface CheckpointProblem {
  /** The checkpoint's id (or where a damaged copy was found); empty when no checkpoint exists at all. */
  checkpoint: string
  kind: 'rewritten' | 'truncated' | 'none' | 'damaged'
  message: string
}

export interface CheckpointSummary {
  /** Checkpoints that authenticated. */
  count: number
  /** The one with the highest seq. */
  latest: { seq: number; ts: string } | null
  problems: CheckpointProblem[]
}

/**
 * Compares the stored chain with every checkpoint, fed one event at a time in seq order as verify streams the
 * chain (memory: the checkpoints, not the chain). It is fed events after a break in the chain too: whether a
 * stored event still has the hash a checkpoint saw does not depend on the events before it.
 *
 * One problem per kind, the strongest evidence: the lowest event that differs (a rewrite from there on makes
 * every later checkpoint differ too) and the highest checkpoint beyond the end (how much tail is gone).
 */
export class CheckpointComparison {
  private readonly sorted: StoredCheckpoint[]
  private next = 0
  private rewritten: CheckpointProblem | undefined

  constructor(private readonly listing: CheckpointListing) {
    this.sorted = [...listing.checkpoints].sort((a, b) => a.seq - b.seq || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
  }

  event(seq: number, hash: string): void {
    while (this.next < this.sorted.length && this.sorted[this.next]!.seq <= seq) {
      const c = this.sorted[this.next++]!
      if (c.seq === seq && c.hash === hash) continue
      this.rewritten ??= {
        checkpoint: c.id,
        kind: 'rewritten',
        message:
          c.seq === seq
            ? `event ${c.seq} differs from the checkpoint of ${c.ts}: the chain was rewritten`
            : `event ${c.seq} is missing but the checkpoint of ${c.ts} saw it: the chain was rewritten`,
      }
    }
  }

  /** `lastSeq`: the highest seq stored (0 for an empty chain). */
  finish(lastSeq: number): CheckpointSummary {
    const problems: CheckpointProblem[] = []
    if (this.rewritten) problems.push(this.rewritten)
    const latest = this.sorted.at(-1)
    if (latest && latest.seq > lastSeq) {
      const end = lastSeq > 0 ? `the chain ends at event ${lastSeq}` : 'the chain is empty'
      problems.push({
        checkpoint: latest.id,
        kind: 'truncated',
        message: `${end} but a checkpoint of ${latest.ts} saw event ${latest.seq}: the tail was truncated`,
      })
    }
    if (!latest && lastSeq > 0) {
      // init writes the first checkpoint, so a chain with events and none at all lost them.
      problems.push({
        checkpoint: '',
        kind: 'none',
        message: `the chain has events up to ${lastSeq} but there is no checkpoint: checkpoints were removed or never written`,
      })
    }
    for (const d of this.listing.damaged) problems.push({ checkpoint: d.id, kind: 'damaged', message: d.message })
    return { count: this.sorted.length, latest: latest ? { seq: latest.seq, ts: latest.ts } : null, problems }
  }
}
