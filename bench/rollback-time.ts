/**
 * `npm run bench:rollback`: time of `lastgood rollback` for one app, from command start (process spawn)
 * to validation passed (process exit), median (min–max) of BENCH_RUNS (10, at least 5), on the fast path (release directory still there) and
 * the materialise path (release rebuilt from the repository). Validation: 3 consecutive passes, 250 ms apart
 * (BENCH_VALIDATION_INTERVAL to change it).
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { SamplePlatform } from '../src/demo/sample-platform.js'
import { benchHeader, benchRuns, benchStart, percentile, printTable, spread } from './stats.js'

const RUNS = benchRuns(10)
/** Validation interval; BENCH_VALIDATION_INTERVAL=2s measures the seeds' own validation. */
const INTERVAL = process.env.BENCH_VALIDATION_INTERVAL ?? '250ms'

interface Sample {
  totalMs: number
  steps: Record<string, number>
}

async function measure(p: SamplePlatform, materialise: boolean): Promise<Sample[]> {
  const samples: Sample[] = []
  for (let i = 0; i < RUNS; i++) {
    await p.deploy('staff', `broken-${materialise ? 'm' : 'f'}${i}`, { healthy: false })
    if (materialise) await rm(join(p.dir, 'apps/staff/releases/v1'), { recursive: true, force: true })
    const r = await p.cli(['--json', 'rollback', 'staff', '--reason', 'bench', '--yes'])
    if (r.code !== 0) throw new Error(`rollback failed: ${r.stderr}${r.stdout}`)
    const report = JSON.parse(r.stdout).report as {
      apps: { restorePaths: Record<string, string> }[]
      steps: { name: string; durationMs: number }[]
    }
    const path = report.apps[0]!.restorePaths.release
    if (path !== (materialise ? 'materialise' : 'fast'))
      throw new Error(`expected the ${materialise ? 'materialise' : 'fast'} path, got ${path}`)
    samples.push({ totalMs: r.ms, steps: Object.fromEntries(report.steps.map((s) => [s.name, s.durationMs])) })
  }
  return samples
}

async function main(): Promise<void> {
  const p = await SamplePlatform.create({ env: { CLINIC_VALIDATION_INTERVAL: INTERVAL, CLINIC_VALIDATION_WINDOW: '2m' } })
  try {
    await p.deploy('staff', 'v1')
    await p.start(['staff'])
    if ((await p.cli(['init'])).code !== 0) throw new Error('init failed')
    if ((await p.cli(['snapshot', 'create', 'staff'])).code !== 0) throw new Error('snapshot failed')
    const start = benchStart()
    const rows: (string | number)[][] = []
    for (const materialise of [false, true]) {
      const s = await measure(p, materialise)
      const total = s.map((x) => x.totalMs)
      const step = (name: string) => spread(s.map((x) => x.steps[name] ?? 0))
      rows.push([
        materialise ? 'materialise' : 'fast',
        spread(total),
        percentile(total, 95).toFixed(0),
        step('verify'),
        step('safety-snapshot'),
        step('restore'),
        step('validate'),
      ])
    }
    printTable(
      `${benchHeader(start, RUNS)}\nlastgood rollback, one app (staff), validation 3 passes ${INTERVAL} apart; each cell median (min–max) of the runs, milliseconds`,
      ['path', 'total', 'total p95', 'verify', 'safety snapshot', 'restore', 'validate'],
      rows,
    )
  } finally {
    await p.destroy()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
