/**
 * `npm run bench:startup`: how long the CLI takes to start and finish, against a bare `node -e 0` run in the
 * same rounds. Rows: `--help`, `--version`, and `status --json` of the clinic example (`init --example clinic`
 * in a temporary directory: its apps are not deployed or running, so status reads five apps, probes five
 * refused health checks and runs one shell command). Each round runs every row once, in turn, as a fresh process; BENCH_RUNS rounds (10). Goals: --help ≤ 2×
 * bare node, status --json ≤ 4×.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchHeader, benchRuns, benchStart, median, printTable } from './stats.js'

const RUNS = benchRuns(10)
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/lastgood.cjs')

interface Row {
  name: string
  args: string[]
  goal?: number
}

const ROWS: Row[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'lastgood --help', args: [CLI, '--help'], goal: 2 },
  { name: 'lastgood --version', args: [CLI, '--version'] },
  { name: 'lastgood status --json (clinic)', args: [CLI, 'status', '--json'], goal: 4 },
]

// The caller's LASTGOOD_CONFIG or LASTGOOD_PASSWORD would point the runs elsewhere than the example.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LASTGOOD_')))

/** Wall time of one run, spawn included (the same for every row); a failed run stops the bench. */
function timeRun(args: string[], cwd: string): number {
  const started = performance.now()
  const r = spawnSync(process.execPath, args, { cwd, env: ENV, encoding: 'utf8' })
  const ms = performance.now() - started
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr}`)
  return ms
}

const dir = await mkdtemp(join(tmpdir(), 'lastgood-startup-'))
try {
  timeRun([CLI, 'init', '--example', 'clinic'], dir)
  const start = benchStart()
  const times = ROWS.map(() => [] as number[])
  for (let round = 0; round < RUNS; round++) {
    ROWS.forEach((row, i) => times[i]!.push(timeRun(row.args, dir)))
    process.stderr.write(`round ${round + 1}/${RUNS}\n`)
  }
  const bare = median(times[0]!)
  const ms = (v: number) => v.toFixed(0)
  printTable(
    `startup, ${RUNS} interleaved rounds, ms of wall time per fresh process (spawn included); ratio: median / bare node's median\n` +
      benchHeader(start, RUNS),
    ['command', 'median', 'min', 'max', 'ratio', 'goal'],
    ROWS.map((row, i) => {
      const t = times[i]!
      return [
        row.name,
        ms(median(t)),
        ms(Math.min(...t)),
        ms(Math.max(...t)),
        `${(median(t) / bare).toFixed(2)}×`,
        row.goal ? `≤ ${row.goal}×` : '',
      ]
    }),
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}
