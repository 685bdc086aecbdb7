/**
 * `npm run bench:dr`: the complete-system-failure drill on the example platform's five sample apps. Each run:
 * all apps good (v1) and `lastgood snapshot create --all`; then all broken (a v2 whose health check fails);
 * then `lastgood incident declare complete_system_failure --scope all --to <platform snapshot>` through the
 * real CLI. Measured: declaration → last app validated, from the incident timeline (the `declared` entry and
 * the `recovery.app` entries), cross-checked by probing the five apps from here every 20 ms until all answer
 * healthy. Median (min–max) and p95 of BENCH_RUNS (10, at least 5) runs beside the platform's RTO objective.
 * Validation: the example's 3 passes, BENCH_VALIDATION_INTERVAL apart (default 2s, the seeds' own).
 * `lastgood drill complete-system-failure` is the same drill in one process, on the drill timing (250 ms
 * validation); breaking the apps, probing them and reading the timeline are its code (src/drills/platform-outage.ts).
 */
import { formatDuration } from '../src/config-parts/units.js'
import { SamplePlatform, withEnv } from '../src/demo/sample-platform.js'
import { breakAll, measureIncidentRecovery, recoveryProblem, watchAllHealthy } from '../src/drills/platform-outage.js'
import { openPlatform } from '../src/platform/open-platform.js'
import { benchHeader, benchRuns, benchStart, percentile, printTable, spread } from './stats.js'

const RUNS = benchRuns(10)
const INTERVAL = process.env.BENCH_VALIDATION_INTERVAL ?? '2s'

interface Sample {
  /** declared → last app validated, from the timeline */
  timelineMs: number
  /** declared → every app answering healthy, probed from the bench */
  probedMs: number
  evidenceMs: number
  recoverMs: number
  /** CLI process, spawn to exit */
  cliMs: number
}

async function cli(p: SamplePlatform, args: string[]) {
  const r = await p.cli(args)
  if (r.code !== 0) throw new Error(`lastgood ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return r
}

/** What `lastgood drill complete-system-failure` does in process, through the CLI (the shared parts are the drill's). */
async function once(p: SamplePlatform, apps: string[], i: number): Promise<Sample> {
  for (const a of apps) await p.deploy(a, 'v1')
  const ps = JSON.parse((await cli(p, ['--json', 'snapshot', 'create', '--all', '--label', `bench-${i}`])).stdout)
    .platformSnapshot as string
  await breakAll(p, apps, `v2-${i}`)
  const watch = watchAllHealthy(p, apps)
  const r = await cli(p, ['--json', 'incident', 'declare', 'complete_system_failure', '--scope', 'all', '--to', ps, '--reason', 'drill'])
  const probed = await watch.stop()
  const id = (JSON.parse(r.stdout) as { incident: { id: string } }).incident.id
  const platform = await withEnv(p.env, () => openPlatform(p.configFile))
  try {
    const m = await measureIncidentRecovery(platform.state.db, id)
    const problem = recoveryProblem(m, apps) ?? (probed === null ? 'not every app answered healthy from outside' : null)
    if (problem) throw new Error(`run ${i + 1}: ${problem}`)
    return {
      timelineMs: Math.max(...m.apps.map((a) => a.healthyMs!)),
      probedMs: probed! - m.declaredAt,
      evidenceMs: m.evidenceMs!,
      recoverMs: m.recoverMs!,
      cliMs: r.ms,
    }
  } finally {
    await platform.close()
    await cli(p, ['incident', 'resolve', id, '--summary', 'bench run'])
  }
}

async function main(): Promise<void> {
  const p = await SamplePlatform.create({ env: { CLINIC_VALIDATION_INTERVAL: INTERVAL, CLINIC_VALIDATION_WINDOW: '2m' } })
  try {
    const apps = p.config.apps.map((a) => a.name)
    for (const a of apps) await p.deploy(a, 'v1')
    await p.start()
    await cli(p, ['init'])
    const start = benchStart()
    const samples: Sample[] = []
    for (let i = 0; i < RUNS; i++) {
      samples.push(await once(p, apps, i))
      process.stderr.write(`run ${i + 1}/${RUNS}: ${samples.at(-1)!.timelineMs} ms\n`)
    }
    const rto = p.config.objectives.rtoMs
    const row = (name: string, xs: number[], againstRto = true) => [
      name,
      spread(xs),
      percentile(xs, 95).toFixed(0),
      againstRto ? formatDuration(rto) : '',
      againstRto ? (Math.max(...xs) <= rto ? 'yes' : 'NO') : '',
    ]
    printTable(
      `${benchHeader(start, RUNS)}\ncomplete_system_failure drill, ${apps.length} apps (${apps.join(', ')}), validation 3 passes ${INTERVAL} apart; ` +
        'median (min–max) and p95 of the runs, milliseconds; within RTO: the slowest run',
      ['measure', 'median (min–max)', 'p95', 'RTO objective', 'within RTO'],
      [
        row(
          'declared → last app validated (timeline)',
          samples.map((s) => s.timelineMs),
        ),
        row(
          'declared → all apps healthy (probed)',
          samples.map((s) => s.probedMs),
        ),
        row(
          '  of which preserve_evidence',
          samples.map((s) => s.evidenceMs),
          false,
        ),
        row(
          '  of which recover (5 apps in order)',
          samples.map((s) => s.recoverMs),
          false,
        ),
        row(
          'incident declare, process start to exit',
          samples.map((s) => s.cliMs),
          false,
        ),
      ],
    )
  } finally {
    await p.destroy()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
