/**
 * Bounded capture of a stream. `fail` keeps everything and reports an overflow (stdout: captured state must be
 * whole); `tail` keeps only the last bytes (stderr: the end explains the failure).
 */
export class OutputCollector {
  private chunks: Buffer[] = []
  private size = 0
  /** Whether a `tail` has let go of its first bytes. */
  private cut = false

  constructor(
    private readonly limit: number,
    private readonly mode: 'fail' | 'tail',
  ) {}

  /** Adds a chunk; false when a `fail` collector went over its limit (the chunk is dropped). */
  push(chunk: Buffer): boolean {
    if (this.mode === 'fail' && this.size + chunk.length > this.limit) return false
    this.chunks.push(chunk)
    this.size += chunk.length
    while (this.mode === 'tail' && this.size > this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0
      this.cut = true
    }
    return true
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }

  /** For a `tail`: the last bytes from the start of a line (a line cut at its start may hold half a secret). */
  text(): string {
    const all = this.bytes()
    if (!this.cut && all.length <= this.limit) return all.toString('utf8')
    const kept = all.subarray(Math.max(0, all.length - this.limit))
    return kept.subarray(kept.indexOf(0x0a) + 1).toString('utf8')
  }
}
