import type { ServerResponse } from 'node:http'
import { z } from 'zod'
import { messageOf, UserError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import type { StateDb } from '../state/open-state.js'
import { type EventFeed, type FeedItem, headSeq, readAfter, replayStart } from './event-feed.js'
import { addRoute, type ApiServer } from './route.js'

/** A reconnecting client gets back what it missed up to this age; older events are read from the audit log. */
export const REPLAY_HORIZON_MS = 3_600_000

/** Replayed events are read this many at a time. */
const PAGE = 500

/**
 * A client that reads slower than events come is let go once this much waits unsent: it reconnects with its
 * Last-Event-ID and catches up from the chain, instead of growing this process's memory without end.
 */
const MAX_BUFFERED = 1024 * 1024

const Query = z.object({
  last_event_id: z.string().optional().describe('Replay what came after this event id (as the Last-Event-ID header does).'),
  app: z.string().optional().describe('Only events whose target is this app.'),
  type: z.string().optional().describe('Only events whose action starts with this, such as `incident.` or `monitor.trigger`.'),
})

export interface EventStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream (15 s). */
  heartbeatMs: number
}

/**
 * `GET /api/v1/events`: the live stream (Server-Sent Events) of the audit chain, the durable event log that
 * holds the monitor's, rollbacks', incidents' and approvals' events: each message's `id` is the event's `seq`,
 * its `event` the action, its `data` the audit event as JSON (as `GET /api/v1/audit/events` returns it). A
 * client that reconnects with `Last-Event-ID` gets what it missed, in order, if it is younger than an hour; for
 * older events it gets one `gap` message saying where to read them. Returns endAll, which ends every stream
 * (the server is closing).
 */
export function addEventStream(app: ApiServer, db: StateDb, feed: EventFeed, o: EventStreamOptions): { endAll(): void } {
  const open = new Set<ServerResponse>()
  addRoute(
    app,
    { permission: 'read' },
    {
      method: 'GET',
      url: '/api/v1/events',
      schema: {
        operationId: 'events',
        summary: 'The live event stream (text/event-stream); Last-Event-ID replays up to 1 h',
        tags: ['events'],
        querystring: Query,
      },
      handler: async (request, reply) => {
        const q = request.query
        const after = lastEventIdOf(request.headers['last-event-id'], q.last_event_id)
        const wanted = (action: string, target?: string) => (!q.app || target === q.app) && (!q.type || action.startsWith(q.type))
        reply.hijack()
        const res = reply.raw
        res.writeHead(200, {
          ...(reply.getHeaders() as Record<string, string>),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
          // A stream's connection is its own; closing it with the stream lets a closing server finish at once
          // instead of waiting out keep-alive on a connection that went idle after it stopped looking.
          connection: 'close',
        })
        res.flushHeaders()
        open.add(res)
        const write = (text: string) => {
          if (res.writableEnded) return
          res.write(text)
          if (res.writableLength > MAX_BUFFERED) res.end()
        }
        let sent = after ?? 0
        const deliver = (item: FeedItem) => {
          if (item.kind === 'run') {
            if (wanted(item.name)) write(message(undefined, item.name, item.data))
            return
          }
          const e = item.event
          if (e.seq <= sent) return
          sent = e.seq
          if (wanted(e.action, e.target)) write(message(e.seq, e.action, e))
        }
        // Listening first and queueing while the replay reads: nothing falls between the two, and `sent` drops
        // what both saw.
        let queued: FeedItem[] | undefined = []
        let unsubscribe = () => {}
        const heartbeat = setInterval(() => write(': heartbeat\n\n'), o.heartbeatMs).unref()
        res.once('close', () => {
          clearInterval(heartbeat)
          unsubscribe()
          open.delete(res)
        })
        try {
          unsubscribe = await feed.subscribe((item) => (queued ? queued.push(item) : deliver(item)))
          // Gone or ended (the server is closing) while subscribing: nothing more to send.
          if (res.writableEnded || !open.has(res)) return unsubscribe()
          if (after !== undefined) {
            const gapEnd = await sendGap(db, after, write)
            if (gapEnd !== undefined) sent = gapEnd
            for (let page = await readAfter(db, sent, PAGE); page.length > 0; page = await readAfter(db, sent, PAGE)) {
              for (const e of page) deliver({ kind: 'audit', event: e })
              if (page.length < PAGE) break
            }
          }
          for (const item of queued) deliver(item)
          queued = undefined
        } catch (err) {
          request.log.error({ err: redact(messageOf(err)) }, 'event stream could not start')
          res.end()
        }
      },
    },
  )
  return {
    endAll() {
      for (const res of open) res.end()
    },
  }
}

/** One SSE message; JSON has no raw newlines, so `data` is one line. */
function message(id: number | undefined, event: string, data: unknown): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/**
 * When what a client missed begins before the horizon: one `gap` message for the events it will not get here,
 * its id the last of them (a client reconnecting after it is not told twice). Returns that id, if it sent one.
 */
async function sendGap(db: StateDb, after: number, write: (text: string) => void): Promise<number | undefined> {
  const horizon = new Date(Date.now() - REPLAY_HORIZON_MS).toISOString()
  const { first, firstYoung } = await replayStart(db, after, horizon)
  if (!first || firstYoung === first.seq) return undefined
  const to = firstYoung !== undefined ? firstYoung - 1 : await headSeq(db)
  const read = `/api/v1/audit/events?since=${encodeURIComponent(first.ts)}`
  write(
    message(to, 'gap', {
      from: first.seq,
      to,
      since: first.ts,
      read,
      message: `events ${first.seq} to ${to} are older than the stream replays (1 h): read them with GET ${read}`,
    }),
  )
  return to
}

/** The Last-Event-ID header wins over the query parameter (a browser's EventSource sends the header on reconnect). */
function lastEventIdOf(header: string | string[] | undefined, query: string | undefined): number | undefined {
  const given = (Array.isArray(header) ? header[0] : header) ?? query
  if (given === undefined || given === '') return undefined
  if (!/^\d{1,15}$/.test(given))
    throw new UserError(`Last-Event-ID ${redact(given).slice(0, 40)}: expected the id of an event this stream sent (a whole number)`)
  return Number(given)
}
