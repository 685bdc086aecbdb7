/**
 * `npm run bench:dr`: the complete-system-failure drill on the example platform's five sample apps. Each run:
 * all apps good (v1) and `lastgood snapshot create --all`; then all broken (a v2 whose health check fails);
 * then `lastgood incident declare complete_system_failure --scope all --to <platform snapshot>` through the
 * real CLI. Measured: declaration → last app validated, from the incident timeline (the `declared` entry and
 * the `recovery.app` entries), cross-checked by probing the five apps from here every 20 ms until all answer
 * healthy. Median, p95 and max of BENCH_RUNS (default 10) runs beside the platform's RTO objective.
 * Validation: the example's 3 passes, BENCH_VALIDATION_INTERVAL apart (default 2s, the seeds' own).
 */
import { formatDuration } from '../src/config/units.js'
import { portVariable, SamplePlatform, withEnv } from '../src/demo/sample-platform.js'
import { openPlatform } from '../src/platform/open-platform.js'
import { loadTimeline } from '../src/recovery/timeline.js'
import { median, percentile, printTable } from './stats.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const INTERVAL = process.env.BENCH_VALIDATION_INTERVAL ?? '2s'
const APPS = ['staff', 'inventory', 'handouts', 'medication-auth', 'checkin-kiosk']

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

async function allHealthy(p: SamplePlatform): Promise<boolean> {
  const ok = await Promise.all(APPS.map(async (a) => (await fetch(`http://127.0.0.1:${p.env[portVariable(a)]}/health`).catch(() => undefined))?.status === 200))
  return ok.every(Boolean)
}

/** Resolves with the wall-clock time at which every app first answered healthy, polling until `stop`. */
async function watchHealthy(p: SamplePlatform, stop: { done: boolean }): Promise<number | null> {
  while (!stop.done) {
    if (await allHealthy(p)) return Date.now()
    await new Promise((r) => setTimeout(r, 20))
  }
  return (await allHealthy(p)) ? Date.now() : null
}

async function cli(p: SamplePlatform, args: string[]) {
  const r = await p.cli(args)
  if (r.code !== 0) throw new Error(`lastgood ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return r
}

async function once(p: SamplePlatform, i: number): Promise<Sample> {
  for (const a of APPS) await p.deploy(a, 'v1')
  const ps = JSON.parse((await cli(p, ['--json', 'snapshot', 'create', '--all', '--label', `bench-${i}`])).stdout).platformSnapshot as string
  for (const a of APPS) await p.deploy(a, `v2-${i}`, { healthy: false })
  if (await allHealthy(p)) throw new Error('the broken release still answers healthy')
  const stop = { done: false }
  const healthyAt = watchHealthy(p, stop)
  const r = await cli(p, ['--json', 'incident', 'declare', 'complete_system_failure', '--scope', 'all', '--to', ps, '--reason', 'drill'])
  stop.done = true
  const probed = await healthyAt
  const out = JSON.parse(r.stdout) as { incident: { id: string }; runbook: { outcome: string; steps: { kind: string; startedAt: string; endedAt: string }[] } }
  if (out.runbook.outcome !== 'succeeded') throw new Error(`runbook ${out.runbook.outcome}: ${r.stdout}`)
  const platform = await withEnv(p.env, () => openPlatform(p.configFile))
  try {
    const timeline = await loadTimeline(platform.state.db, out.incident.id)
    const declared = Date.parse(timeline.find((e) => e.kind === 'declared')!.at)
    const validated = timeline.filter((e) => e.kind === 'recovery.app').map((e) => Date.parse(String(e.data.validatedAt)))
    if (validated.length !== APPS.length || probed === null) throw new Error(`not every app recovered: ${JSON.stringify(timeline.filter((e) => e.kind === 'recovery.app'))}`)
    const step = (kind: string) => { const s = out.runbook.steps.find((x) => x.kind === kind)!; return Date.parse(s.endedAt) - Date.parse(s.startedAt) }
    const sample = { timelineMs: Math.max(...validated) - declared, probedMs: probed - declared, evidenceMs: step('preserve_evidence'), recoverMs: step('recover'), cliMs: r.ms }
    await cli(p, ['incident', 'resolve', out.incident.id, '--summary', 'bench run'])
    return sample
  } finally {
    await platform.close()
  }
}

async function main(): Promise<void> {
  const p = await SamplePlatform.create({ env: { CLINIC_VALIDATION_INTERVAL: INTERVAL, CLINIC_VALIDATION_WINDOW: '2m' } })
  try {
    for (const a of APPS) await p.deploy(a, 'v1')
    await p.start()
    await cli(p, ['init'])
    const samples: Sample[] = []
    for (let i = 0; i < RUNS; i++) {
      samples.push(await once(p, i))
      process.stderr.write(`run ${i + 1}/${RUNS}: ${samples.at(-1)!.timelineMs} ms\n`)
    }
    const rto = p.config.objectives.rtoMs
    const row = (name: string, xs: number[], againstRto = true) => [
      name, median(xs).toFixed(0), percentile(xs, 95).toFixed(0), Math.max(...xs).toFixed(0),
      againstRto ? formatDuration(rto) : '', againstRto ? (Math.max(...xs) <= rto ? 'yes' : 'NO') : '',
    ]
    printTable(
      `complete_system_failure drill, ${APPS.length} apps (${APPS.join(', ')}), ${RUNS} runs, validation 3 passes ${INTERVAL} apart; milliseconds`,
      ['measure', 'median', 'p95', 'max', 'RTO objective', 'within RTO'],
      [
        row('declared → last app validated (timeline)', samples.map((s) => s.timelineMs)),
        row('declared → all apps healthy (probed)', samples.map((s) => s.probedMs)),
        row('  of which preserve_evidence', samples.map((s) => s.evidenceMs), false),
        row('  of which recover (5 apps in order)', samples.map((s) => s.recoverMs), false),
        row('incident declare, process start to exit', samples.map((s) => s.cliMs), false),
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
