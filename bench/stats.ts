/** Small statistics, the header every bench prints above its table, and a table printer for the benchmarks. */
import { cpus, loadavg, totalmem } from 'node:os'

/** Every documented figure is a median with its spread over at least this many runs. */
export const MIN_RUNS = 5

export function median(xs: number[]): number {
  return percentile(xs, 50)
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo)
}

/** One figure's runs as 'median (min–max)', each number through `format`; `unit` follows the median only. */
export function spread(xs: number[], format: (x: number) => string = (x) => x.toFixed(0), unit = ''): string {
  if (xs.length === 0) return '—'
  return `${format(median(xs))}${unit} (${format(Math.min(...xs))}–${format(Math.max(...xs))})`
}

/** BENCH_RUNS, or `fallback`; fewer than MIN_RUNS would make a median without a meaningful spread. */
export function benchRuns(fallback: number): number {
  const raw = process.env.BENCH_RUNS ?? String(fallback)
  const runs = Number(raw)
  if (Number.isInteger(runs) && runs >= MIN_RUNS) return runs
  // A wrong setting is the caller's to fix, not a crash: say so, exit 2, measure nothing.
  process.stderr.write(
    `BENCH_RUNS=${raw}: each figure is a median with its min and max over at least ${MIN_RUNS} runs; set BENCH_RUNS to ${MIN_RUNS} or more\n`,
  )
  process.exit(2)
}

/** The CPU model, cores and RAM of this machine, as the header and the throughput table name it. */
export function machine(): string {
  const cpu = cpus()
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`
}

export interface BenchStart {
  at: Date
  load: number
}

/** Taken before the first run: the header's date and load average at start. */
export function benchStart(): BenchStart {
  return { at: new Date(), load: loadavg()[0]! }
}

/** The header line above a bench's table: date, machine, 1-minute load average at start and end, runs. */
export function benchHeader(start: BenchStart, runs: number | string): string {
  return `${start.at.toISOString()} · ${machine()} · load average ${start.load.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end · ${runs} runs`
}

export function printTable(title: string, headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  process.stdout.write(`\n${title}\n\n${line(headers)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`)
  for (const r of cells.slice(1)) process.stdout.write(`${line(r)}\n`)
}
