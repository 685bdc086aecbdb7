/**
 * `npm run bench:monitor`: the monitor's cost with 500 apps (BENCH_APPS) whose health checks run every 1 s,
 * on one core. The monitor runs in its own process pinned to core 0 (`taskset -c 0`,
 * bench/monitor-cost-worker.ts); the apps' health endpoints are one keep-alive HTTP server in another process
 * (on another core when there is one), so its CPU is not counted. Every app has the default-like triggers
 * (health failures, error burst, error rate, latency, availability), all evaluated after each probe.
 * Reports the CPU used as a share of that one core and the delay between a check's due time and its start
 * (goal: p99 ≤ 100 ms). Warm-up BENCH_WARMUP s (5), measured BENCH_SECONDS s (60). BENCH_CPU_PROF=DIR
 * writes a V8 CPU profile of the monitor's process there.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { printTable } from './stats.js'
import type { WorkerResult } from './monitor-cost-worker.js'

const APPS = Number(process.env.BENCH_APPS ?? 500)
const INTERVAL = '1s'
const GOAL_P99_MS = 100
const HERE = dirname(fileURLToPath(import.meta.url))
const CLI = resolve(HERE, '../../bin/lastgood.js')

/** `--target`: the apps' health endpoints, 200 "ok" on /health/<n>; /count says how many were answered. */
function serveTarget(): void {
  let answered = 0
  const server = createServer((req, res) => {
    if (req.url === '/count') {
      res.end(String(answered))
      return
    }
    answered++
    res.writeHead(req.url?.startsWith('/health/') ? 200 : 404, { 'content-type': 'text/plain', 'content-length': '2' })
    res.end('ok')
  })
  // Longer than the probe interval, so the monitor's connections stay open between rounds.
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  server.maxRequestsPerSocket = 0
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`)
  })
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}

function config(port: number): string {
  const apps = Array.from({ length: APPS }, (_, i) => {
    const name = `app-${String(i + 1).padStart(3, '0')}`
    return [
      `  ${name}:`,
      `    priority: ${i + 1}`,
      '    health:',
      '      checks:',
      '        - name: health',
      `          url: http://127.0.0.1:${port}/health/${i + 1}`,
      '    components:',
      '      release:',
      '        provider: local-release',
      `        path: ./apps/${name}`,
    ].join('\n')
  })
  return `version: 1
platform: monitor-bench
state_dir: .lastgood
defaults:
  health:
    interval: ${INTERVAL}
    timeout: 2s
    failures: 3
  triggers:
    health:
      kind: health_failures
      action: rollback
    error-burst:
      kind: error_rate
      above: 5%
      over_requests: 100
      action: rollback
    error-rate:
      kind: error_rate
      above: 1%
      for: 5m
      window: 1m
      action: rollback
    latency:
      kind: latency
      percentile: 95
      above: 2000ms
      for: 10m
      window: 1m
      action: rollback
    availability:
      kind: availability
      below: 99%
      for: 5m
      window: 1m
      action: rollback
apps:
${apps.join('\n')}
`
}

function pinned(core: number, args: string[]): [string, string[]] {
  return hasTaskset() ? ['taskset', ['-c', String(core), ...args]] : [args[0]!, args.slice(1)]
}

let tasksetChecked: boolean | undefined
function hasTaskset(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0
  return tasksetChecked
}

/** Runs a process to its end; its stdout, and its stderr passed through. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', fail)
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))))
  })
}

async function main(): Promise<void> {
  if (!hasTaskset()) process.stderr.write('taskset (util-linux) not found: the monitor is NOT pinned to one core\n')
  const dir = await mkdtemp(join(tmpdir(), 'lastgood-monitor-bench-'))
  const cores = availableParallelism()
  const [targetCmd, targetArgs] =
    cores > 1
      ? pinned(1, [process.execPath, fileURLToPath(import.meta.url), '--target'])
      : [process.execPath, [fileURLToPath(import.meta.url), '--target']]
  const target = spawn(targetCmd, targetArgs, { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const port = await new Promise<number>((ok, fail) => {
      target.once('error', fail)
      target.once('exit', (code) => fail(new Error(`target server exited with ${code}`)))
      target.stdout.once('data', (d: Buffer) => ok(Number(d.toString().trim())))
    })
    const file = join(dir, 'lastgood.yaml')
    await writeFile(file, config(port))
    // The repository key lives in a key file in the temporary state directory.
    const env = { ...process.env }
    delete env.LASTGOOD_PASSWORD
    await run(process.execPath, [CLI, '--config', file, 'init'], env)

    const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', resolve(process.env.BENCH_CPU_PROF)] : []
    const [cmd, args] = pinned(0, [process.execPath, ...prof, join(HERE, 'monitor-cost-worker.js'), file, `http://127.0.0.1:${port}`])
    const out = await run(cmd, args, env)
    const line = out
      .trim()
      .split('\n')
      .reverse()
      .find((l) => l.startsWith('{'))
    if (!line) throw new Error(`the monitor's process printed no result: ${out}`)
    const r = JSON.parse(line) as WorkerResult

    const ms = (x: number) => x.toFixed(1)
    const expected = (r.apps * 1000) / r.intervalMs
    printTable(
      `lastgood monitor, ${r.apps} apps, one HTTP check each every ${r.intervalMs / 1000} s, 5 triggers per app; ` +
        `one core (${hasTaskset() ? 'taskset -c 0' : 'NOT pinned'}), ${r.seconds.toFixed(0)} s measured after ${process.env.BENCH_WARMUP ?? 5} s warm-up`,
      [
        'apps',
        'interval',
        'checks/s (expected)',
        'answered/s',
        'CPU % of one core (user+sys)',
        'delay median',
        'delay p95',
        'delay p99',
        'delay max',
        'event-loop p99',
        'RSS MiB',
      ],
      [
        [
          r.apps,
          `${r.intervalMs / 1000} s`,
          `${(r.checks / r.seconds).toFixed(1)} (${expected.toFixed(0)})`,
          (r.served / r.seconds).toFixed(1),
          `${(r.cpuShare * 100).toFixed(1)} (${(r.userShare * 100).toFixed(1)}+${(r.systemShare * 100).toFixed(1)})`,
          ms(r.delayMs.median),
          ms(r.delayMs.p95),
          ms(r.delayMs.p99),
          ms(r.delayMs.max),
          ms(r.loopDelayMs.p99),
          r.rssMiB.toFixed(0),
        ],
      ],
    )
    printTable(
      'where the delay comes from, per round (all apps share one 1 s tick and are started one after another, synchronously); milliseconds',
      [
        'rounds',
        'first check delay median',
        'first check delay p99',
        'last − first median',
        'last − first p99',
        'last − first max',
        'GC ms per s',
        'GC max pause',
        'GC events (major)',
        'major GC max',
        'heap MiB start → end',
      ],
      [
        [
          r.rounds.count,
          ms(r.rounds.firstMs.median),
          ms(r.rounds.firstMs.p99),
          ms(r.rounds.spreadMs.median),
          ms(r.rounds.spreadMs.p99),
          ms(r.rounds.spreadMs.max),
          ms(r.gc.msPerSecond),
          ms(r.gc.maxPauseMs),
          `${r.gc.count} (${r.gc.majorCount})`,
          ms(r.gc.majorMaxMs),
          `${r.heapStartMiB.toFixed(0)} → ${r.heapMiB.toFixed(0)}`,
        ],
      ],
    )
    const met = r.delayMs.p99 <= GOAL_P99_MS
    process.stdout.write(
      `\ndelays in ms from a check's due time to its start; goal p99 ≤ ${GOAL_P99_MS} ms: ${met ? 'met' : 'MISSED'} (p99 ${ms(r.delayMs.p99)} ms)\n`,
    )
  } finally {
    target.kill('SIGTERM')
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--target') {
  serveTarget()
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`)
    process.exitCode = 1
  })
}
