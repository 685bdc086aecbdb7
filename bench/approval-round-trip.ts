/**
 * `npm run bench:approval`: the approval round trip through a real `lastgood serve`, BENCH_RUNS times (20).
 * An operator asks for a rollback the decision matrix wants a team lead to approve (POST /api/v1/rollbacks,
 * followed to its end: exit 3 and the request); the team lead's webhook receives the request; the bench, acting
 * as the team lead the moment it arrives, approves it (POST /api/v1/approvals/:id/approve), and the rollback
 * starts. Nobody thinks here, so the whole span, from the operator's request to the run's recorded start, is
 * lastgood's own time. Goal: at most 1 s.
 */
import { createServer, type Server } from 'node:http'
import type { ChildProcess } from 'node:child_process'
import { approvalConfig } from '../src/demo/approval-config.js'
import { SamplePlatform } from '../src/demo/sample-platform.js'
import { must, personWithToken, serve, stopServe } from './serve-process.js'
import { benchHeader, benchRuns, benchStart, median, printTable } from './stats.js'

const RUNS = benchRuns(20)

/** The team lead's webhook: resolves the next delivery's arrival time. */
class Webhook {
  private next: ((at: number) => void) | undefined
  private readonly server: Server = createServer((req, res) => {
    const at = Date.now()
    req.resume()
    req.on('end', () => {
      res.end('ok')
      // Only the request to approve: the security and incident channels are not the team lead's.
      if (req.url === '/leads') this.next?.(at)
    })
  })

  static async start(): Promise<Webhook & { url: string }> {
    const hook = new Webhook()
    await new Promise<void>((ok) => hook.server.listen(0, '127.0.0.1', ok))
    const { port } = hook.server.address() as { port: number }
    return Object.assign(hook, { url: `http://127.0.0.1:${port}` })
  }

  arrival(): Promise<number> {
    return new Promise((ok) => (this.next = ok))
  }

  close(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()))
  }
}

async function api(url: string, token: string, method: 'GET' | 'POST', body?: unknown): Promise<{ status: number; doc: any }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, doc: await res.json() }
}

interface Trip {
  /** The operator's POST to the request it became, as the run's result. */
  request: number
  /** The request's creation to its arrival at the team lead's webhook. */
  notify: number
  /** The team lead's POST to the rollback's recorded start. */
  start: number
  total: number
}

async function roundTrip(base: string, tokens: { ann: string; lee: string }, hook: Webhook, reason: string): Promise<Trip> {
  const notified = hook.arrival()
  const asked = Date.now()
  const started = await api(`${base}/api/v1/rollbacks`, tokens.ann, 'POST', { app: ['staff'], reason })
  if (started.status !== 202) throw new Error(`POST /rollbacks answered ${started.status}: ${JSON.stringify(started.doc)}`)
  const run = await api(`${base}/api/v1/runs/${started.doc.run.id}?wait=30s`, tokens.ann, 'GET')
  const approval = run.doc.result?.approval
  if (run.doc.exitCode !== 3 || !approval) throw new Error(`the rollback did not become a request: ${JSON.stringify(run.doc)}`)
  const requested = Date.now()
  const arrived = await notified
  const approving = Date.now()
  const approved = await api(`${base}/api/v1/approvals/${approval.id}/approve`, tokens.lee, 'POST', { reason: 'go' })
  const report = approved.doc.report
  if (approved.status !== 200 || report?.status !== 'succeeded')
    throw new Error(`the approved rollback did not succeed: ${JSON.stringify(approved.doc)}`)
  const startedAt = Date.parse(report.startedAt)
  return {
    request: requested - asked,
    notify: arrived - Date.parse(approval.createdAt),
    start: startedAt - approving,
    total: startedAt - asked,
  }
}

async function main(): Promise<void> {
  const hook = await Webhook.start()
  const p = await SamplePlatform.create({ configText: approvalConfig(hook.url) })
  let server: ChildProcess | undefined
  try {
    await p.deploy('staff', 'v1')
    await p.start(['staff'])
    await must(p, ['init'])
    await must(p, ['snapshot', 'create', 'staff'])
    const tokens = { ann: await personWithToken(p, 'ann', 'operator'), lee: await personWithToken(p, 'lee', 'team-lead') }
    const s = await serve(p)
    server = s.child
    const start = benchStart()
    const trips: Trip[] = []
    // One more than measured: the first warms the server's code paths.
    for (let i = 0; i <= RUNS; i++) {
      // A new release each time, so that each request has a plan of its own to approve.
      await p.deploy('staff', `v${i + 2}`)
      const trip = await roundTrip(s.url, tokens, hook, `bench round trip ${i}`)
      if (i > 0) trips.push(trip)
      process.stderr.write(`${i === 0 ? 'warm-up' : `run ${i}/${RUNS}`}: ${trip.total} ms\n`)
    }
    const row = (label: string, pick: (t: Trip) => number, goal = '') => {
      const xs = trips.map(pick)
      return [label, median(xs).toFixed(0), Math.min(...xs).toFixed(0), Math.max(...xs).toFixed(0), goal]
    }
    printTable(
      `Approval round trip through lastgood serve: request -> team lead notified (webhook) -> approved through the API -> rollback started\n` +
        benchHeader(start, RUNS),
      ['ms', 'median', 'min', 'max', 'goal'],
      [
        row('request made (POST /rollbacks to exit 3)', (t) => t.request),
        row('request to webhook delivery', (t) => t.notify),
        row('approve (POST) to rollback started', (t) => t.start),
        row('round trip, lastgood time', (t) => t.total, '<= 1000'),
      ],
    )
  } finally {
    await stopServe(server)
    await p.destroy()
    await hook.close()
  }
}

await main()
