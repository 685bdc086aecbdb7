/**
 * `npm run bench:scale`: whole `lastgood` processes (spawn to exit, wall clock) on a platform of 200 apps,
 * 2,000 snapshots and 100,000 audit events on the embedded SQLite state (scale-fixture.ts; built once, then
 * reused from the OS temp directory). Each command runs BENCH_RUNS times (default 5), the commands
 * interleaved round by round; median, min and max in milliseconds, against the goal. The last row is status
 * on a platform of one app: the start-up every command pays whatever the scale.
 *
 * BENCH_BASELINE=/path/to/other/checkout/bin/lastgood.cjs runs that build too, interleaved with this one, on
 * the same fixture: a before-and-after comparison in one invocation.
 */
import type { SamplePlatform } from '../src/demo/sample-platform.js'
import { FULL_SCALE, type ScaleSize, scaleFixture } from './scale-fixture.js'
import { benchHeader, benchRuns, benchStart, median, printTable } from './stats.js'

const RUNS = benchRuns(5)
const BASELINE = process.env.BENCH_BASELINE

interface Row {
  label: string
  args: string[]
  on: SamplePlatform
  goalMs?: number
}

const COMMANDS: { args: string[]; goalMs: number }[] = [
  { args: ['status'], goalMs: 500 },
  { args: ['--json', 'status'], goalMs: 500 },
  { args: ['snapshot', 'list'], goalMs: 500 },
  { args: ['audit', 'verify'], goalMs: 2000 },
  { args: ['report', 'compliance'], goalMs: 2000 },
]

/** The same status on a platform of one app and one snapshot: what any command costs before the scale does. */
const FLOOR: ScaleSize = { apps: 1, snapshotsPerApp: 1, rollbacks: 0, auditEvents: 0 }

const BUILDS: { name: string; bin?: string }[] = [{ name: 'this build' }, ...(BASELINE ? [{ name: 'baseline', bin: BASELINE }] : [])]

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const p = await scaleFixture(FULL_SCALE, log)
  const floor = await scaleFixture(FLOOR, log)
  try {
    await p.start(['staff'])
    await floor.start(['staff'])
    const rows: Row[] = [
      ...COMMANDS.map((c) => ({ ...c, on: p, label: `lastgood ${c.args.join(' ')}` })),
      { args: ['status'], on: floor, label: 'lastgood status, 1 app (start-up floor)' },
    ]
    const ms = BUILDS.map(() => rows.map(() => [] as number[]))
    const start = benchStart()
    for (let round = 0; round < RUNS; round++) {
      for (const [i, c] of rows.entries()) {
        for (const [b, build] of BUILDS.entries()) {
          const r = await c.on.cli(c.args, build.bin ? { bin: build.bin } : {})
          if (r.code !== 0) throw new Error(`${c.label} (${build.name}) exited ${r.code}: ${r.stderr}`)
          ms[b]![i]!.push(r.ms)
        }
      }
    }
    const { apps, snapshotsPerApp, auditEvents } = FULL_SCALE
    printTable(
      `lastgood at scale: ${apps} apps, ${apps * snapshotsPerApp} snapshots, ${auditEvents} audit events, SQLite state; ` +
        `whole process, ${RUNS} runs each, interleaved; milliseconds\n${benchHeader(start, RUNS)}`,
      ['command', ...(BASELINE ? ['build'] : []), 'median', 'min', 'max', 'goal', 'met'],
      rows.flatMap((c, i) =>
        BUILDS.map((build, b) => {
          const xs = ms[b]![i]!
          const m = median(xs)
          return [
            c.label,
            ...(BASELINE ? [build.name] : []),
            m.toFixed(0),
            Math.min(...xs).toFixed(0),
            Math.max(...xs).toFixed(0),
            c.goalMs === undefined ? '' : `<= ${c.goalMs}`,
            c.goalMs === undefined ? '' : m <= c.goalMs ? 'yes' : 'NO',
          ]
        }),
      ),
    )
  } finally {
    await p.stop()
    await floor.stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
