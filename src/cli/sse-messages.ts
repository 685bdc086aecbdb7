/** One message of a text/event-stream: a comment (a heartbeat), or its id, event and data fields. */
export interface SseMessage {
  id?: string
  event?: string
  data?: string
  comment?: string
}

/** The messages of a text/event-stream body, each as soon as its blank line arrives. */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const m: SseMessage = {}
      for (const line of buffer.slice(0, end).split('\n')) {
        if (line.startsWith(':')) m.comment = line.slice(1).trim()
        const field = /^(id|event|data): ?(.*)$/.exec(line)
        if (field) m[field[1] as 'id' | 'event' | 'data'] = field[2]!
      }
      buffer = buffer.slice(end + 2)
      yield m
    }
  }
}
