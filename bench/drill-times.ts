/**
 * `npm run bench:drills`: each drill scenario run BENCH_RUNS times (20 by default) in this process, exactly
 * as `lastgood drill` runs it, and the median and p95 of each figure printed. BENCH_SCENARIOS picks
 * scenarios (comma-separated); BENCH_INTERVAL sets the probe interval (1s; 30s for the seeds' own figure).
 */
import { parseDuration } from '../src/config-parts/units.js'
import type { DrillResult } from '../src/drills/drill-result.js'
import { runDrill } from '../src/drills/run-drill.js'
import { SCENARIO_LIST } from '../src/drills/scenarios.js'
import { median, percentile, printTable } from './stats.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const INTERVAL = process.env.BENCH_INTERVAL ?? '1s'
const names = process.env.BENCH_SCENARIOS?.split(',')
// complete-system-failure has nothing to detect or decide: `npm run bench:dr` measures it, through the CLI.
const scenarios = SCENARIO_LIST.filter((s) => (names ? names.includes(s.name) : s.recovery === 'monitor'))
const intervalMs = parseDuration(INTERVAL)!

const rows: string[][] = []
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`
for (const s of scenarios) {
  const results: DrillResult[] = []
  for (let i = 0; i < RUNS; i++) {
    const r = await runDrill(s, { intervalMs, failures: 3 }, { rtoMs: 15 * 60_000, actor: 'bench' })
    if (!r.success) throw new Error(`drill ${s.name} run ${i + 1} failed: ${r.problem}`)
    results.push(r)
    process.stderr.write(`${s.name} ${i + 1}/${RUNS}: healthy in ${fmt(r.recoveryMs!)}\n`)
  }
  const apps = results.flatMap((r) => r.apps)
  const figure = (pick: (a: DrillResult['apps'][number]) => number | null) => {
    const v = apps.map(pick).filter((x): x is number => x !== null)
    return `${fmt(median(v))} / ${fmt(percentile(v, 95))}`
  }
  const recovery = results.map((r) => r.recoveryMs!)
  rows.push([
    s.name,
    String(RUNS),
    figure((a) => a.detectMs),
    figure((a) => a.decideMs),
    figure((a) => a.rollbackMs),
    `${fmt(median(recovery))} / ${fmt(percentile(recovery, 95))}`,
    fmt(Math.max(...recovery)),
  ])
}
printTable(
  `drills with ${INTERVAL} probes, 3 failures; each cell median / p95; healthy: fault injected → validated after the rollback (slowest app)`,
  ['scenario', 'runs', 'detect', 'decide', 'rollback', 'healthy', 'worst'],
  rows,
)
