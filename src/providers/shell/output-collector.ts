/**
 * Bounded capture of a stream. `fail` keeps everything and reports an overflow (stdout: captured state must be
 * whole); `tail` keeps only the last bytes (stderr: the end explains the failure).
 */
export class OutputCollector {
  private chunks: Buffer[] = []
  private size = 0

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
    }
    return true
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }

  text(): string {
    const all = this.bytes()
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8')
  }
}
