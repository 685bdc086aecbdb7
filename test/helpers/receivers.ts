import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net'

/**
 * Real HTTP receivers on loopback for the notification channels: scripted answers per path, every request
 * recorded with its raw body. The Slack, PagerDuty and webhook routes check the documented contracts (shape
 * of the payload, the signature) themselves, written from the documentation rather than from lastgood's code.
 */

export interface ReceivedRequest {
  path: string
  headers: IncomingHttpHeaders
  /** The raw body, byte for byte. */
  body: Buffer
  /** performance.now() when the body had arrived. */
  at: number
  /** What the route decided: `accepted`, or why it refused (`bad-signature`, `invalid payload: …`). */
  verdict: string
}

export interface Answer {
  status: number
  body?: string
  verdict?: string
}

export type Route = (req: Omit<ReceivedRequest, 'verdict'>) => Answer

export class HttpReceiver {
  private readonly routes = new Map<string, Route>()
  private fallback: Route | undefined
  readonly received: ReceivedRequest[] = []

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<HttpReceiver> {
    // eslint-disable-next-line prefer-const -- assigned once the server it is read from exists
    let receiver: HttpReceiver | undefined
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const base = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks), at: performance.now() }
        const route = receiver!.routes.get(base.path)
        const other = receiver!.fallback
        const answer = route ? route(base) : other ? other(base) : { status: 404, body: 'no route', verdict: 'no route' }
        receiver!.received.push({ ...base, verdict: answer.verdict ?? `status ${answer.status}` })
        res.writeHead(answer.status, { 'content-type': answer.body?.startsWith('{') ? 'application/json' : 'text/plain' })
        res.end(answer.body ?? '')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    receiver = new HttpReceiver(server, (server.address() as { port: number }).port)
    return receiver
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`
  }

  route(path: string, route: Route): this {
    this.routes.set(path, route)
    return this
  }

  /** Answers every path without a route of its own. */
  otherwise(route: Route): this {
    this.fallback = route
    return this
  }

  requests(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path)
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** Answers with each of `first` once, in order, then hands every later request to `then`. */
export function scripted(first: Answer[], then: Route): Route {
  let n = 0
  return (req) => (n < first.length ? first[n++]! : then(req))
}

/**
 * A Slack incoming webhook as Slack documents it: JSON with a non-empty `text`; optional `blocks`, each
 * section's mrkdwn text at most 3000 characters. 200 `ok`, or 400 `invalid_payload`.
 */
export function slackRoute(): Route {
  return (req) => {
    const problem = jsonProblem(req) ?? slackProblem(JSON.parse(req.body.toString('utf8')) as Record<string, unknown>)
    return problem
      ? { status: 400, body: 'invalid_payload', verdict: `invalid payload: ${problem}` }
      : { status: 200, body: 'ok', verdict: 'accepted' }
  }
}

function slackProblem(p: Record<string, unknown>): string | undefined {
  if (typeof p.text !== 'string' || p.text.trim() === '') return 'text missing'
  if (p.blocks === undefined) return undefined
  if (!Array.isArray(p.blocks)) return 'blocks is not a list'
  for (const b of p.blocks as Array<Record<string, any>>) {
    if (b.type !== 'section') return `unexpected block ${String(b.type)}`
    if (b.text?.type !== 'mrkdwn' || typeof b.text.text !== 'string' || b.text.text.length > 3000) return 'bad section text'
  }
  return undefined
}

const PD_ACTIONS = ['trigger', 'acknowledge', 'resolve']
const PD_SEVERITIES = ['critical', 'error', 'warning', 'info']

/**
 * PagerDuty Events API v2 as documented: routing_key, event_action and (here always) dedup_key up to 255
 * characters; a trigger's payload has summary (≤ 1024), source and severity. 202 with status success, or
 * 400 "invalid event".
 */
export function pagerDutyRoute(): Route {
  return (req) => {
    const problem = jsonProblem(req) ?? pagerDutyProblem(JSON.parse(req.body.toString('utf8')) as Record<string, any>)
    if (problem)
      return {
        status: 400,
        body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: [problem] }),
        verdict: `invalid payload: ${problem}`,
      }
    const dedup = (JSON.parse(req.body.toString('utf8')) as { dedup_key: string }).dedup_key
    return { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedup }), verdict: 'accepted' }
  }
}

function pagerDutyProblem(e: Record<string, any>): string | undefined {
  if (typeof e.routing_key !== 'string' || e.routing_key === '') return 'routing_key missing'
  if (!PD_ACTIONS.includes(e.event_action)) return `event_action ${String(e.event_action)}`
  if (typeof e.dedup_key !== 'string' || e.dedup_key === '' || e.dedup_key.length > 255) return 'dedup_key missing or too long'
  if (e.event_action !== 'trigger') return e.payload === undefined ? undefined : `payload on ${e.event_action}`
  const p = e.payload as Record<string, unknown> | undefined
  if (!p || typeof p.summary !== 'string' || p.summary === '' || p.summary.length > 1024) return 'payload.summary missing or too long'
  if (typeof p.source !== 'string' || p.source === '') return 'payload.source missing'
  if (!PD_SEVERITIES.includes(p.severity as string)) return `payload.severity ${String(p.severity)}`
  if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp as string))) return 'payload.timestamp not ISO 8601'
  return undefined
}

function jsonProblem(req: Omit<ReceivedRequest, 'verdict'>): string | undefined {
  if (!String(req.headers['content-type']).startsWith('application/json')) return 'content-type is not application/json'
  try {
    JSON.parse(req.body.toString('utf8'))
    return undefined
  } catch {
    return 'body is not JSON'
  }
}

/**
 * A receiver of lastgood's signed webhooks that follows the documented steps (docs/disaster-recovery.md): (1) the three headers are there,
 * (2) the signature reads v1=<64 hex>, (3) the timestamp is within 5 minutes of now, (4) HMAC-SHA256 of
 * "<timestamp>.<delivery id>.<raw body>" equals it (constant-time), (5) the delivery id was not processed
 * before. Refusals are 401 with the reason; a replay is answered 200 without processing it again (lastgood
 * retries with the same id when it missed an answer). Ids are remembered once accepted.
 */
export function signedWebhookRoute(
  secret: string,
  opts: { now?: () => number; processed?: Set<string> } = {},
): Route & { processed: Set<string> } {
  const processed = opts.processed ?? new Set<string>()
  const route: Route = (req) => {
    const reason = signatureProblem(secret, req, (opts.now ?? Date.now)())
    if (reason) return { status: 401, body: reason, verdict: reason }
    const id = req.headers['x-lastgood-delivery'] as string
    if (processed.has(id)) return { status: 200, body: 'already received', verdict: 'replayed' }
    processed.add(id)
    return { status: 200, body: 'ok', verdict: 'accepted' }
  }
  return Object.assign(route, { processed })
}

function signatureProblem(secret: string, req: Omit<ReceivedRequest, 'verdict'>, nowMs: number): string | undefined {
  const signature = req.headers['x-lastgood-signature']
  const timestamp = req.headers['x-lastgood-timestamp']
  const id = req.headers['x-lastgood-delivery']
  if (typeof signature !== 'string') return 'missing-signature'
  if (typeof timestamp !== 'string' || typeof id !== 'string' || id === '') return 'missing-timestamp-or-delivery'
  const m = /^v1=([0-9a-fA-F]{64})$/.exec(signature)
  if (!m) return 'malformed-signature'
  if (!/^\d+$/.test(timestamp) || Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > 300) return 'stale-timestamp'
  const mac = createHmac('sha256', secret)
  mac.update(Buffer.from(`${timestamp}.${id}.`, 'utf8'))
  mac.update(req.body)
  if (!timingSafeEqual(mac.digest(), Buffer.from(m[1]!, 'hex'))) return 'bad-signature'
  return undefined
}

/** A TCP server that accepts connections and never answers: a dead channel that does not refuse. */
export class BlackHole {
  private readonly sockets = new Set<Socket>()
  connections = 0

  private constructor(
    private readonly server: TcpServer,
    readonly port: number,
  ) {}

  static async start(): Promise<BlackHole> {
    // eslint-disable-next-line prefer-const -- assigned once the server it is read from exists
    let hole: BlackHole | undefined
    const server = createTcpServer((socket) => {
      hole!.connections++
      hole!.sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => hole!.sockets.delete(socket))
      // Read and drop what arrives (never answering), so that the client closing its end is seen.
      socket.resume()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    hole = new BlackHole(server, (server.address() as { port: number }).port)
    return hole
  }

  /** Connections the client has not closed yet. */
  get open(): number {
    return this.sockets.size
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
