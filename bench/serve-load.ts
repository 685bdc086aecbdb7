/**
 * `npm run bench:serve`: `GET /api/v1/status` of a real `lastgood serve` under a steady load, its monitor
 * probing the platform's 20 apps every second in the same process. autocannon sends BENCH_RATE requests a
 * second (500) over 20 connections for BENCH_SECONDS (10) per round, BENCH_RUNS rounds (5) after a warm-up;
 * each row is the median of the rounds with their min and max. Goal: p99 at most 50 ms.
 */
import type { ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import type Autocannon from 'autocannon'
import { manyAppsConfig } from '../src/demo/many-apps-config.js'
import { SamplePlatform } from '../src/demo/sample-platform.js'
import { must, personWithToken, serve, stopServe } from './serve-process.js'
import { benchHeader, benchRuns, benchStart, median, printTable } from './stats.js'

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
    const token = await personWithToken(p, 'viewer', 'viewer')
    const s = await serve(p)
    server = s.child
    await load(s.url, token, 2)
    const start = benchStart()
    const rounds: { p50: number; p99: number; rps: number; errors: number }[] = []
    for (let i = 0; i < RUNS; i++) {
      const r = await load(s.url, token, SECONDS)
      const errors = r.non2xx + r.errors + r.timeouts
      // A latency of refusals or failures is no figure of status: the bench stops instead of printing it.
      if (errors > 0) throw new Error(`round ${i + 1}: ${errors} of ${r.requests.total} requests failed (non-2xx, errors or timeouts)`)
      rounds.push({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors })
      process.stderr.write(`round ${i + 1}/${RUNS}: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms\n`)
    }
    const row = (label: string, xs: number[], goal = '') => [
      label,
      median(xs).toFixed(1),
      Math.min(...xs).toFixed(1),
      Math.max(...xs).toFixed(1),
      goal,
    ]
    printTable(
      `GET /api/v1/status of ${APPS} apps at ${RATE} requests/s (20 connections, ${SECONDS} s a round), the monitor probing every app each second in the same process\n` +
        benchHeader(start, RUNS),
      ['', 'median', 'min', 'max', 'goal'],
      [
        row(
          'latency p50, ms',
          rounds.map((r) => r.p50),
        ),
        row(
          'latency p99, ms',
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
      ],
    )
  } finally {
    await stopServe(server)
    await p.destroy()
  }
}

await main()
