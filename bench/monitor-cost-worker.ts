/**
 * The measured process of `npm run bench:monitor` (bench/monitor-cost.ts starts it pinned to one core):
 * opens the platform of the configuration given as argv[2], runs the monitor over every app, and after a
 * warm-up measures for BENCH_SECONDS its CPU (user + system, every thread of the process), the delay of
 * each check between its due time and its start, the event-loop delay and the RSS. Prints one JSON line.
 * argv[3] is the target server's base URL, asked for its request count at both ends of the measured period.
 */
import { constants, monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks'
import { Monitor } from '../src/monitor/monitor.js'
import { openPlatform } from '../src/platform/open-platform.js'
import { median, percentile } from './stats.js'

export interface WorkerResult {
  apps: number
  intervalMs: number
  seconds: number
  /** Checks started in the measured period (a check still running at its next due time is skipped). */
  checks: number
  /** Requests the target server answered in the measured period. */
  served: number
  cpuShare: number
  userShare: number
  systemShare: number
  delayMs: { median: number; p95: number; p99: number; max: number }
  loopDelayMs: { p50: number; p99: number; max: number }
  /** Where the delay comes from: the first check of each round (timer lateness) and last − first start of a round. */
  rounds: { count: number; firstMs: { median: number; p99: number }; spreadMs: { median: number; p99: number; max: number } }
  /** Garbage collection in the measured period: total ms per second of wall time, and the longest pause. */
  gc: { msPerSecond: number; maxPauseMs: number; count: number; majorCount: number; majorMaxMs: number }
  /** Heap used at the start and the end of the measured period. */
  heapStartMiB: number
  rssMiB: number
  heapMiB: number
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5)

async function served(base: string): Promise<number> {
  return Number(await (await fetch(`${base}/count`)).text())
}

async function main(): Promise<void> {
  const [configFile, target] = process.argv.slice(2)
  if (!configFile || !target) throw new Error('usage: monitor-cost-worker CONFIG TARGET_URL')
  const p = await openPlatform(configFile)
  let measuring = false
  const delays: number[] = []
  const intervalMs = Math.min(...p.config.apps.map((a) => a.health.intervalMs))
  // Every check of a round shares its due time (now − delay): first and last start of each round.
  const rounds = new Map<number, { first: number; last: number }>()
  const onDelay = (ms: number) => {
    if (!measuring) return
    delays.push(ms)
    // The monitor took its own Date.now(); due times are multiples of the interval.
    const due = Math.round((Date.now() - ms) / intervalMs) * intervalMs
    const r = rounds.get(due)
    if (r) r.last = ms
    else rounds.set(due, { first: ms, last: ms })
  }
  const gcPauses: { ms: number; major: boolean }[] = []
  const gc = new PerformanceObserver((list) => {
    if (!measuring) return
    for (const e of list.getEntries())
      gcPauses.push({
        ms: e.duration,
        major: (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
      })
  })
  gc.observe({ entryTypes: ['gc'] })
  const monitor = new Monitor(p, p.config.apps, { onDelay })
  try {
    await monitor.start()
    await sleep(WARMUP * 1000)

    const loop = monitorEventLoopDelay({ resolution: 10 })
    const served0 = await served(target)
    const heap0 = process.memoryUsage().heapUsed
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    loop.enable()
    measuring = true
    await sleep(SECONDS * 1000)
    measuring = false
    loop.disable()
    gc.disconnect()
    const wallUs = (performance.now() - t0) * 1000
    const cpu = process.cpuUsage(cpu0)
    const served1 = await served(target)
    const mem = process.memoryUsage()

    const intervals = new Set(p.config.apps.map((a) => a.health.intervalMs))
    const result: WorkerResult = {
      apps: p.config.apps.length,
      intervalMs: intervals.size === 1 ? [...intervals][0]! : Number.NaN,
      seconds: wallUs / 1e6,
      checks: delays.length,
      served: served1 - served0,
      cpuShare: (cpu.user + cpu.system) / wallUs,
      userShare: cpu.user / wallUs,
      systemShare: cpu.system / wallUs,
      delayMs: { median: median(delays), p95: percentile(delays, 95), p99: percentile(delays, 99), max: Math.max(...delays) },
      loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      rounds: {
        count: rounds.size,
        firstMs: {
          median: median([...rounds.values()].map((r) => r.first)),
          p99: percentile(
            [...rounds.values()].map((r) => r.first),
            99,
          ),
        },
        spreadMs: {
          median: median([...rounds.values()].map((r) => r.last - r.first)),
          p99: percentile(
            [...rounds.values()].map((r) => r.last - r.first),
            99,
          ),
          max: Math.max(...[...rounds.values()].map((r) => r.last - r.first)),
        },
      },
      gc: {
        msPerSecond: gcPauses.reduce((a, g) => a + g.ms, 0) / (wallUs / 1e6),
        maxPauseMs: Math.max(0, ...gcPauses.map((g) => g.ms)),
        count: gcPauses.length,
        majorCount: gcPauses.filter((g) => g.major).length,
        majorMaxMs: Math.max(0, ...gcPauses.filter((g) => g.major).map((g) => g.ms)),
      },
      heapStartMiB: heap0 / 2 ** 20,
      rssMiB: mem.rss / 2 ** 20,
      heapMiB: mem.heapUsed / 2 ** 20,
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    await monitor.stop()
    await p.close()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
