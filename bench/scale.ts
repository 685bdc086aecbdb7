/**
 * `npm run bench:scale`: whole `lastgood` processes (spawn to exit, wall clock) on a platform of 200 apps,
 * 2,000 snapshots and 100,000 audit events on the embedded SQLite state (scale-fixture.ts; built once, then
 * reused from the OS temp directory). Each command runs BENCH_RUNS times (default 5), the commands
 * interleaved round by round; median, min and max in milliseconds, against the goal.
 */
import { FULL_SCALE, scaleFixture } from './scale-fixture.js'
import { median, printTable } from './stats.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)

const COMMANDS: { args: string[]; goalMs: number }[] = [
  { args: ['status'], goalMs: 500 },
  { args: ['--json', 'status'], goalMs: 500 },
  { args: ['snapshot', 'list'], goalMs: 500 },
  { args: ['audit', 'verify'], goalMs: 2000 },
  { args: ['report', 'compliance'], goalMs: 2000 },
]

async function main(): Promise<void> {
  const p = await scaleFixture(FULL_SCALE, (line) => process.stderr.write(`${line}\n`))
  try {
    await p.start(['staff'])
    const ms = COMMANDS.map(() => [] as number[])
    for (let round = 0; round < RUNS; round++) {
      for (const [i, c] of COMMANDS.entries()) {
        const r = await p.cli(c.args)
        if (r.code !== 0) throw new Error(`lastgood ${c.args.join(' ')} exited ${r.code}: ${r.stderr}`)
        ms[i]!.push(r.ms)
      }
    }
    const { apps, snapshotsPerApp, auditEvents } = FULL_SCALE
    printTable(
      `lastgood at scale: ${apps} apps, ${apps * snapshotsPerApp} snapshots, ${auditEvents} audit events, SQLite state; ` +
        `whole process, ${RUNS} runs each, interleaved; milliseconds`,
      ['command', 'median', 'min', 'max', 'goal', 'met'],
      COMMANDS.map((c, i) => {
        const m = median(ms[i]!)
        return [
          `lastgood ${c.args.join(' ')}`,
          m.toFixed(0),
          Math.min(...ms[i]!).toFixed(0),
          Math.max(...ms[i]!).toFixed(0),
          `<= ${c.goalMs}`,
          m <= c.goalMs ? 'yes' : 'NO',
        ]
      }),
    )
  } finally {
    await p.stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
