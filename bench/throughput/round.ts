/** What one tool measures in one round of the throughput bench, and the seam every tool implements. */

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
