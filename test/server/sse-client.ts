import { type SseMessage as Message, sseMessages } from '../../src/cli/sse-messages.js'

/** One message of a text/event-stream as a client sees it, with when it came. */
export interface SseMessage extends Message {
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
      for await (const m of sseMessages(res.body)) this.messages.push({ ...m, at: performance.now() })
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
