/**
 * `npm run bench:monitor`: the monitor's cost with 500 apps (BENCH_APPS) whose health checks run every 1 s,
 * on one core. The monitor runs in its own process pinned to core 0 (`taskset -c 0`,
 * bench/monitor-cost-worker.ts); the apps' health endpoints are one keep-alive HTTP server in another process
 * (on another core when there is one), so its CPU is not counted. Every app has the default-like triggers
 * (health failures, error burst, error rate, latency, availability), all evaluated after each probe.
 * Reports the CPU used as a share of that one core and the delay between a check's due time and its start
 * (goal: p99 ≤ 100 ms). BENCH_RUNS runs (5, at least 5), each a fresh monitor process on the same apps: warm-up
 * BENCH_WARMUP s (5), measured BENCH_SECONDS s (60); one table of median (min–max) across the runs.
 * BENCH_CPU_PROF=DIR writes a V8 CPU profile of each run's monitor process there.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchHeader, benchRuns, benchStart, printTable, spread } from './stats.js'
import type { WorkerResult } from './monitor-cost-worker.js'

const APPS = Number(process.env.BENCH_APPS ?? 500)
const RUNS = benchRuns(5)
const INTERVAL = '1s'
const GOAL_P99_MS = 100
const HERE = dirname(fileURLToPath(import.meta.url))
const CLI = resolve(HERE, '../../bin/lastgood.cjs')

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

/** One run: a fresh monitor process, pinned, measured by the worker; its JSON result line. */
async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<WorkerResult> {
  const out = await run(cmd, args, env)
  const line = out
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'))
  if (!line) throw new Error(`the monitor's process printed no result: ${out}`)
  return JSON.parse(line) as WorkerResult
}

/** Figures of the table: a label and how to read the figure from one run's result. */
const FIGURES: [string, (r: WorkerResult) => number][] = [
  ['checks started per s', (r) => r.checks / r.seconds],
  ['checks answered per s (target server)', (r) => r.served / r.seconds],
  ['CPU % of one core (user + sys)', (r) => r.cpuShare * 100],
  ['  of which user %', (r) => r.userShare * 100],
  ['  of which sys %', (r) => r.systemShare * 100],
  ['due → start delay median, ms', (r) => r.delayMs.median],
  ['due → start delay p95, ms', (r) => r.delayMs.p95],
  ['due → start delay p99, ms (goal ≤ 100)', (r) => r.delayMs.p99],
  ['due → start delay max, ms', (r) => r.delayMs.max],
  ['event-loop delay p99, ms', (r) => r.loopDelayMs.p99],
  ['RSS at end, MiB', (r) => r.rssMiB],
  ['rounds (1 s ticks) measured', (r) => r.rounds.count],
  ["round's first check delay median, ms", (r) => r.rounds.firstMs.median],
  ["round's first check delay p99, ms", (r) => r.rounds.firstMs.p99],
  ["round's last − first start median, ms", (r) => r.rounds.spreadMs.median],
  ["round's last − first start p99, ms", (r) => r.rounds.spreadMs.p99],
  ["round's last − first start max, ms", (r) => r.rounds.spreadMs.max],
  ['GC ms per s', (r) => r.gc.msPerSecond],
  ['GC max pause, ms', (r) => r.gc.maxPauseMs],
  ['GC events', (r) => r.gc.count],
  ['  of which major', (r) => r.gc.majorCount],
  ['major GC max pause, ms', (r) => r.gc.majorMaxMs],
  ['heap used at start, MiB', (r) => r.heapStartMiB],
  ['heap used at end, MiB', (r) => r.heapMiB],
]

function report(results: WorkerResult[], header: string): void {
  const r0 = results[0]!
  const seconds = spread(
    results.map((r) => r.seconds),
    (x) => x.toFixed(0),
  )
  printTable(
    `${header}\nlastgood monitor, ${r0.apps} apps, one HTTP check each every ${r0.intervalMs / 1000} s (${(r0.apps * 1000) / r0.intervalMs} checks/s expected), ` +
      `5 triggers per app; one core (${hasTaskset() ? 'taskset -c 0' : 'NOT pinned'}); each run ${seconds} s measured after ` +
      `${process.env.BENCH_WARMUP ?? 5} s warm-up, each a fresh monitor process.\n` +
      "Each figure: median (min–max) across the runs. Delay: a check's due time → its start; all checks of a round share one tick and start one after another.",
    ['figure', 'median (min–max)'],
    FIGURES.map(([label, pick]) => [label, spread(results.map(pick), (x) => x.toFixed(1))]),
  )
  const met = results.filter((r) => r.delayMs.p99 <= GOAL_P99_MS).length
  process.stdout.write(`\ngoal p99 ≤ ${GOAL_P99_MS} ms: met in ${met} of ${results.length} runs\n`)
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
    const start = benchStart()
    const results: WorkerResult[] = []
    for (let i = 0; i < RUNS; i++) {
      results.push(await measure(cmd, args, env))
      process.stderr.write(`run ${i + 1}/${RUNS}: delay p99 ${results.at(-1)!.delayMs.p99.toFixed(1)} ms\n`)
    }
    report(results, benchHeader(start, RUNS))
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
