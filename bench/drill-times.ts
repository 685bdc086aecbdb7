/**
 * `npm run bench:drills`: each drill scenario run in this process exactly as `lastgood drill` runs it, and
 * each figure printed as median (min–max) with its p95. Runs per scenario: 20 for bad-deploy and crash (their
 * goals are on the tail), 5 for the others; BENCH_RUNS sets one count for all (at least 5). BENCH_SCENARIOS
 * picks scenarios (comma-separated); BENCH_INTERVAL sets the probe interval (1s; 30s for the seeds' own figure).
 */
import { parseDuration } from '../src/config-parts/units.js'
import type { DrillResult } from '../src/drills/drill-result.js'
import { runDrill } from '../src/drills/run-drill.js'
import { SCENARIO_LIST } from '../src/drills/scenarios.js'
import { benchHeader, benchRuns, benchStart, percentile, printTable, spread } from './stats.js'

const TAIL_SCENARIOS = ['bad-deploy', 'crash']
const runsOf = (scenario: string) => benchRuns(TAIL_SCENARIOS.includes(scenario) ? 20 : 5)
const INTERVAL = process.env.BENCH_INTERVAL ?? '1s'
const names = process.env.BENCH_SCENARIOS?.split(',')
// complete-system-failure has nothing to detect or decide: `npm run bench:dr` measures it, through the CLI.
const scenarios = SCENARIO_LIST.filter((s) => (names ? names.includes(s.name) : s.recovery === 'monitor'))
const intervalMs = parseDuration(INTERVAL)!

const rows: string[][] = []
const seconds = (ms: number) => (ms / 1000).toFixed(2)
/** median (min–max), p95; seconds. */
const cell = (ms: number[]) => `${spread(ms, seconds)}, p95 ${seconds(percentile(ms, 95))}`
const start = benchStart()
for (const s of scenarios) {
  const runs = runsOf(s.name)
  const results: DrillResult[] = []
  for (let i = 0; i < runs; i++) {
    const r = await runDrill(s, { intervalMs, failures: 3 }, { rtoMs: 15 * 60_000, actor: 'bench' })
    if (!r.success) throw new Error(`drill ${s.name} run ${i + 1} failed: ${r.problem}`)
    results.push(r)
    process.stderr.write(`${s.name} ${i + 1}/${runs}: healthy in ${seconds(r.recoveryMs!)} s\n`)
  }
  // A multi-app drill gives one value per app per run.
  const apps = results.flatMap((r) => r.apps)
  const figure = (pick: (a: DrillResult['apps'][number]) => number | null) => cell(apps.map(pick).filter((x): x is number => x !== null))
  rows.push([
    s.name,
    String(runs),
    figure((a) => a.detectMs),
    figure((a) => a.decideMs),
    figure((a) => a.rollbackMs),
    cell(results.map((r) => r.recoveryMs!)),
    // Only an app that goes down (not one that is slow or erring) activates its continuity plan.
    results.every((r) => r.continuity.length > 0) ? cell(results.flatMap((r) => r.continuity.map((c) => c.activationMs))) : '—',
  ])
}
const counts = [...new Set(rows.map((r) => r[1]))].join(' or ')
printTable(
  `${benchHeader(start, counts)}\n` +
    `drills with ${INTERVAL} probes, 3 failures; each cell median (min–max), p95 of the runs, seconds; ` +
    'healthy: fault injected → validated after the rollback (slowest app); ' +
    'continuity: the app down → its continuity plan activated (seed 000: under 5 min)',
  ['scenario', 'runs', 'detect', 'decide', 'rollback', 'healthy', 'continuity'],
  rows,
)
