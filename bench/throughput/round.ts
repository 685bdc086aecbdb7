/** What one tool measures in one round of the throughput bench, and the seam every tool implements. */
import { median } from '../stats.js'

/** One round of one tool: times in ms, sizes and peak RSS in MB. `restoreStep` is null where a tool has no such part. */
export interface Round {
  first: number
  /** The median of the nine incremental snapshots of this round. */
  incremental: number
  repoMb: number
  /** Restore of the last release into an empty directory, until it is durable: the whole command. */
  restore: number
  /** lastgood only: the restore step of its rollback report, without plan, safety snapshot and validation. */
  restoreStep: number | null
  verify: number
  rssSnapshot: number
  rssRestore: number
  rssVerify: number
}

export type Figure = keyof Round

export interface Tool {
  readonly name: string
  /** `name x.y.z`, for the table's header. */
  version(): string
  /** Snapshots every release in order into a fresh repository under a temp dir, restores the last, verifies; removes it all. */
  round(releasesDir: string, releases: string[]): Promise<Round>
}

/** The round a tool measured: its snapshots in order, its restore (with what made it durable) and its verify. */
export function roundOf(m: {
  snaps: { ms: number; rssMb: number }[]
  repoMb: number
  restore: { ms: number; rssMb: number }
  restoreStep: number | null
  verify: { ms: number; rssMb: number }
}): Round {
  return {
    first: m.snaps[0]!.ms,
    incremental: median(m.snaps.slice(1).map((s) => s.ms)),
    repoMb: m.repoMb,
    restore: m.restore.ms,
    restoreStep: m.restoreStep,
    verify: m.verify.ms,
    rssSnapshot: Math.max(...m.snaps.map((s) => s.rssMb)),
    rssRestore: m.restore.rssMb,
    rssVerify: m.verify.rssMb,
  }
}
