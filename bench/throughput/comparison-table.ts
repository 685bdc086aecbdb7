/** The throughput bench's output: a header naming date, machine and versions, one row per figure, footnotes. */
import { loadavg, release, type } from 'node:os'
import { machine, median, printTable, spread } from '../stats.js'
import type { Figure, Round } from './round.js'

export interface ToolResult {
  name: string
  version: string
  rounds: Round[]
}

export interface RunContext {
  started: Date
  loadAtStart: number
  releases: string[]
  /** Size of the first and of the last release, the data of the first snapshot and of the restore. */
  firstMb: number
  lastMb: number
}

interface Row {
  figure: Figure
  label: string
  unit: 's' | 'MB'
  /** Which release's size turns the median time into MB/s. */
  rateOf?: 'firstMb' | 'lastMb'
}

const ROWS: Row[] = [
  { figure: 'first', label: 'first snapshot', unit: 's', rateOf: 'firstMb' },
  { figure: 'incremental', label: 'incremental snapshot (median of the nine)', unit: 's' },
  { figure: 'repoMb', label: 'repository after ten', unit: 'MB' },
  { figure: 'restore', label: 'restore last release into an empty dir¹', unit: 's', rateOf: 'lastMb' },
  { figure: 'restoreStep', label: "  of which lastgood's restore step (rebuild, syncfs)", unit: 's' },
  { figure: 'verify', label: 'verify, reading all data²', unit: 's' },
  { figure: 'rssSnapshot', label: 'peak RSS, snapshot (largest of ten)', unit: 'MB' },
  { figure: 'rssRestore', label: 'peak RSS, restore', unit: 'MB' },
  { figure: 'rssVerify', label: 'peak RSS, verify', unit: 'MB' },
]

/** Prints the table; `results` has lastgood first, then its peers. */
export function printComparison(results: ToolResult[], ctx: RunContext): void {
  const [lg, ...peers] = results as [ToolResult, ...ToolResult[]]
  const runs = lg.rounds.length
  const title = [
    `lastgood beside ${peers.map((p) => p.name).join(' and ')}: snapshot, restore and verify of ${ctx.releases.length} releases (~${ctx.firstMb.toFixed(0)} MB each, ${ctx.releases[0]} … ${ctx.releases.at(-1)})`,
    `${ctx.started.toISOString()} · ${machine()} · ${type()} ${release()}`,
    `${results.map((r) => r.version).join(' · ')} · ${runs} rounds, the tools interleaved in each (order rotated per round) · load average ${ctx.loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`,
    `Each cell: median (min–max) of the ${runs} rounds; times are wall time including process start.`,
  ].join('\n')
  const rows = ROWS.map((row) => [row.label, ...results.map((r) => cell(r.rounds, row, ctx)), ratio(lg, peers, row.figure)])
  printTable(title, ['', ...results.map((r) => r.name), 'lastgood ÷ best peer'], rows)
  process.stdout.write(`\n${footnotes(peers.map((p) => p.name)).join('\n')}\n`)
}

const fmt = (x: number, unit: Row['unit']) => (unit === 's' ? (x / 1000).toFixed(2) : x.toFixed(0))

function values(rounds: Round[], figure: Figure): number[] {
  return rounds.map((r) => r[figure]).filter((x): x is number => x !== null)
}

function cell(rounds: Round[], row: Row, ctx: RunContext): string {
  const xs = values(rounds, row.figure)
  if (xs.length === 0) return '—'
  const rate = row.rateOf ? `, ${(ctx[row.rateOf] / (median(xs) / 1000)).toFixed(0)} MB/s` : ''
  return `${spread(xs, (x) => fmt(x, row.unit), ` ${row.unit}`)}${rate}`
}

/** lastgood's median over the best peer's (the faster or smaller): below 1, lastgood does better on that row. */
function ratio(lg: ToolResult, peers: ToolResult[], figure: Figure): string {
  const own = values(lg.rounds, figure)
  const theirs = peers
    .map((p) => ({ name: p.name, m: median(values(p.rounds, figure)) }))
    .filter((p) => !Number.isNaN(p.m))
    .sort((a, b) => a.m - b.m)
  if (own.length === 0 || theirs.length === 0) return '—'
  return `${(median(own) / theirs[0]!.m).toFixed(2)}× ${theirs[0]!.name}`
}

function footnotes(peers: string[]): string[] {
  return [
    `¹ lastgood: the whole \`rollback --to\` command: read and authenticate the target snapshot, take a safety snapshot of`,
    `  the live release, rebuild the release into its empty directory ending in one syncfs, switch, validate. ${peers.join(' and ')}:`,
    `  \`restic restore latest --target\` / \`borg extract\` into an empty directory, plus a \`sync -f\` of that file system inside`,
    `  the timed step: they do not fsync what they restore, and lastgood's restore is durable when it returns. A \`sync\``,
    `  before every tool's restore (untimed) leaves no one else's dirty pages to flush. All three fsync their repository writes.`,
    `² the whole repository for all three: \`lastgood snapshot verify --read-data\` (every snapshot), \`restic check`,
    `  --read-data\`, \`borg check --verify-data\`.`,
    `Compression, one class for all: lastgood zstd level 3 (its default); restic \`--compression auto\` (its default, zstd at`,
    `  the default speed, about level 3); borg \`--compression zstd,3\` (not its default lz4, a faster and weaker class).`,
    `Encryption on for all: lastgood with its repository key, restic with RESTIC_PASSWORD, borg \`init --encryption repokey\``,
    `  with BORG_PASSPHRASE. Repositories in a fresh temp dir on one file system; client caches not counted in their size.`,
    `Each release is a fresh copy (new inodes), so no tool skips unchanged files by its metadata cache: every snapshot`,
    `  reads every file and deduplicates by content. Each release is read once before each tool snapshots it (warm cache).`,
    `Noise: the machine may be shared with other work (see the load averages); min–max shows the spread. Never best-of-N.`,
  ]
}
