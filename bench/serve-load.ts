/**
 * `npm run bench:serve`: `GET /api/v1/status` and the event stream of a real `lastgood serve` under a steady
 * load, its monitor probing the platform's 20 apps every second in the same process. autocannon sends
 * BENCH_RATE requests a second (500) over 20 connections for BENCH_SECONDS (10) per round, BENCH_RUNS rounds
 * (5) after a warm-up; meanwhile an operator marks a snapshot good twice a second through the API and a
 * viewer's event stream (`GET /api/v1/events`) hears each. Each row is the median of the rounds with their min
 * and max. Goal: status p99 at most 50 ms.
 */
import type { ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import type Autocannon from 'autocannon'
import { manyAppsConfig } from '../src/demo/many-apps-config.js'
import { SamplePlatform } from '../src/demo/sample-platform.js'
import { sseMessages } from '../src/cli/sse-messages.js'
import { must, personWithToken, serve, stopServe } from './serve-process.js'
import { benchHeader, benchRuns, benchStart, median, percentile, printTable } from './stats.js'

const RUNS = benchRuns(5)
const RATE = Number(process.env.BENCH_RATE ?? 500)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const APPS = 20
const autocannon = createRequire(import.meta.url)('autocannon') as typeof Autocannon

function load(url: string, token: string, seconds: number): Promise<Autocannon.Result> {
  return autocannon({
    url: `${url}/api/v1/status`,
    connections: 20,
    overallRate: RATE,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  })
}

/** How often the operator writes an event during a round. */
const WRITE_EVERY_MS = 500
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))

/**
 * For `ms`: an operator marks `snapshot` good every WRITE_EVERY_MS, each with a reason of its own, and the
 * viewer's stream hears it; each latency is from the request sent to the event heard. An event the stream
 * does not deliver stops the bench.
 */
async function streamLatencies(url: string, tokens: { viewer: string; operator: string }, snapshot: string, ms: number): Promise<number[]> {
  const listening = new AbortController()
  const res = await fetch(`${url}/api/v1/events?type=snapshot.mark-good`, {
    headers: { authorization: `Bearer ${tokens.viewer}` },
    signal: listening.signal,
  })
  if (!res.ok || !res.body) throw new Error(`GET /api/v1/events answered ${res.status}`)
  const sent = new Map<string, number>()
  const heard: number[] = []
  const reading = (async () => {
    try {
      for await (const m of sseMessages(res.body!)) {
        const t0 = m.data === undefined ? undefined : sent.get((JSON.parse(m.data) as { reason: string }).reason)
        if (t0 !== undefined) heard.push(performance.now() - t0)
      }
    } catch (err) {
      if (!listening.signal.aborted) throw err
    }
  })()
  for (let n = 0, end = Date.now() + ms; Date.now() < end; n++) {
    const reason = `bench event ${n}`
    sent.set(reason, performance.now())
    const r = await fetch(`${url}/api/v1/snapshots/${snapshot}/mark-good`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
    })
    if (!r.ok) throw new Error(`POST mark-good answered ${r.status}: ${await r.text()}`)
    await sleep(WRITE_EVERY_MS)
  }
  await sleep(1000)
  listening.abort()
  await reading
  if (heard.length < sent.size) throw new Error(`the event stream delivered ${heard.length} of ${sent.size} events`)
  return heard
}

async function main(): Promise<void> {
  const names = ['staff', ...Array.from({ length: APPS - 1 }, (_, i) => `app-${i + 1}`)]
  // One token sends every request: its rate limit (600 a minute by default) is raised so that what is measured
  // is status, not the limiter's 429s.
  const configText = `${manyAppsConfig('load', names, '  health:\n    interval: 1s\n    timeout: 2s\n')}auth:\n  rate_limits:\n    token_per_minute: 1000000\n`
  const p = await SamplePlatform.create({ configText })
  let server: ChildProcess | undefined
  try {
    for (const name of names) await p.deploy(name, 'v1')
    await p.start(['staff'])
    await must(p, ['init'])
    await must(p, ['snapshot', 'create', 'staff'])
    const snapshot = (JSON.parse(await must(p, ['--json', 'snapshot', 'list', 'staff'])) as { snapshots: { id: string }[] }).snapshots[0]!
      .id
    const token = await personWithToken(p, 'viewer', 'viewer')
    const tokens = { viewer: token, operator: await personWithToken(p, 'operator', 'operator') }
    const s = await serve(p)
    server = s.child
    await load(s.url, token, 2)
    const start = benchStart()
    const rounds: { p50: number; p99: number; rps: number; errors: number; eventP50: number; eventP99: number }[] = []
    for (let i = 0; i < RUNS; i++) {
      const [r, events] = await Promise.all([load(s.url, token, SECONDS), streamLatencies(s.url, tokens, snapshot, SECONDS * 1000)])
      const errors = r.non2xx + r.errors + r.timeouts
      // A latency of refusals or failures is no figure of status: the bench stops instead of printing it.
      if (errors > 0) throw new Error(`round ${i + 1}: ${errors} of ${r.requests.total} requests failed (non-2xx, errors or timeouts)`)
      const eventP50 = percentile(events, 50)
      const eventP99 = percentile(events, 99)
      rounds.push({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors, eventP50, eventP99 })
      process.stderr.write(
        `round ${i + 1}/${RUNS}: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms; events p50 ${eventP50.toFixed(0)} ms, p99 ${eventP99.toFixed(0)} ms\n`,
      )
    }
    const row = (label: string, xs: number[], goal = '') => [
      label,
      median(xs).toFixed(1),
      Math.min(...xs).toFixed(1),
      Math.max(...xs).toFixed(1),
      goal,
    ]
    printTable(
      `GET /api/v1/status of ${APPS} apps at ${RATE} requests/s (20 connections, ${SECONDS} s a round), the monitor probing every app each second in the same process;\n` +
        `an event written through the API every ${WRITE_EVERY_MS} ms, heard on a viewer's event stream\n` +
        benchHeader(start, RUNS),
      ['', 'median', 'min', 'max', 'goal'],
      [
        row(
          'status latency p50, ms',
          rounds.map((r) => r.p50),
        ),
        row(
          'status latency p99, ms',
          rounds.map((r) => r.p99),
          '<= 50',
        ),
        row(
          'requests/s served',
          rounds.map((r) => r.rps),
        ),
        row(
          'errors (non-2xx, timeouts)',
          rounds.map((r) => r.errors),
          '0',
        ),
        row(
          'event written -> heard p50, ms',
          rounds.map((r) => r.eventP50),
        ),
        row(
          'event written -> heard p99, ms',
          rounds.map((r) => r.eventP99),
        ),
      ],
    )
  } finally {
    await stopServe(server)
    await p.destroy()
  }
}

await main()
