/** One message of a text/event-stream as a client sees it: a comment line, or id/event/data fields. */
export interface SseMessage {
  id?: string
  event?: string
  data?: string
  comment?: string
  at: number
}

/** A real client of `GET /api/v1/events`: fetch with a streaming body, every message kept with when it came. */
export class SseClient {
  readonly messages: SseMessage[] = []
  status = 0
  /** Resolves when the server ends the stream (or the client aborts it). */
  readonly ended: Promise<void>
  private readonly abort = new AbortController()
  private connected!: () => void
  private readonly open = new Promise<void>((ok) => (this.connected = ok))

  private constructor(url: string, headers: Record<string, string>) {
    this.ended = this.read(url, headers)
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const c = new SseClient(url, headers)
    await Promise.race([c.open, c.ended])
    return c
  }

  private async read(url: string, headers: Record<string, string>): Promise<void> {
    try {
      const res = await fetch(url, { headers, signal: this.abort.signal })
      this.status = res.status
      this.connected()
      if (!res.ok || !res.body) return
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true })
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.messages.push(parse(buffer.slice(0, end)))
          buffer = buffer.slice(end + 2)
        }
      }
    } catch (err) {
      if (!this.abort.signal.aborted) throw err
    }
  }

  events(): SseMessage[] {
    return this.messages.filter((m) => m.comment === undefined)
  }

  /** The first message that matches, as soon as it comes; fails after ms. */
  async waitFor(match: (m: SseMessage) => boolean, ms = 5000): Promise<SseMessage> {
    const until = Date.now() + ms
    for (;;) {
      const found = this.messages.find(match)
      if (found) return found
      if (Date.now() > until)
        throw new Error(`no such message in ${ms} ms; got ${JSON.stringify(this.messages.map((m) => m.event ?? m.comment))}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  close(): void {
    this.abort.abort()
  }
}

function parse(block: string): SseMessage {
  const m: SseMessage = { at: performance.now() }
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) m.comment = line.slice(1).trim()
    const field = /^(id|event|data): ?(.*)$/.exec(line)
    if (field) m[field[1] as 'id' | 'event' | 'data'] = field[2]!
  }
  return m
}
