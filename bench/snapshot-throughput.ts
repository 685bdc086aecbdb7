/**
 * `npm run bench:throughput`: snapshot create and restore throughput on the ten ~200 MB releases made by
 * ../shared/bench/make-releases.sh, through the real CLI: first snapshot, incremental snapshots, repository
 * size after ten, restore (materialise) of the last release, verify --read-data, and peak RSS of each.
 * When restic is installed, the same steps run with restic beside it on the same data, interleaved round by
 * round in the same run (BENCH_RUNS rounds, 5 by default); each figure is the median with its min and max.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PACKAGE_ROOT, switchCurrent } from '../src/demo/sample-platform.js'
import { median, printTable } from './stats.js'

const RELEASES = process.env.BENCH_RELEASES ?? '/tmp/lg-bench/releases'
const CLI = join(PACKAGE_ROOT, 'bin/lastgood.js')

interface Timed {
  ms: number
  rssMb: number
  stdout: string
}

/** Runs a command under /usr/bin/time to get its peak RSS; throws on a non-zero exit. */
function timed(cmd: string, args: string[], env: Record<string, string> = {}, cwd?: string): Timed {
  const started = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS_KB=%M', cmd, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...(cwd ? { cwd } : {}),
  })
  const ms = performance.now() - started
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  const rss = Number(/RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0)
  return { ms, rssMb: rss / 1024, stdout: r.stdout }
}

async function duBytes(dir: string): Promise<number> {
  let total = 0
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size
  }
  return total
}

/**
 * Reads every file of a release once, so each tool starts from a warm page cache, as the reference figures
 * were taken. Without it the first tool to touch a release pays for the disk and the second does not.
 */
async function warm(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) await readFile(join(e.parentPath, e.name))
  }
}

async function ensureReleases(): Promise<string[]> {
  if (!existsSync(join(RELEASES, '.complete'))) {
    process.stderr.write(`generating releases in ${RELEASES} (one time)…\n`)
    execFileSync('bash', [resolve(PACKAGE_ROOT, '../shared/bench/make-releases.sh'), RELEASES], { stdio: 'inherit' })
  }
  return (await readdir(RELEASES)).filter((n) => /^r\d+$/.test(n)).sort()
}

/** One round of one tool: every figure of the table, in ms, MB and peak RSS MB. */
interface Round {
  first: number
  incremental: number
  repoMb: number
  restore: number
  total: number | null
  verify: number
  rss: [number, number, number]
}

async function main(): Promise<void> {
  const releases = await ensureReleases()
  const mb = (await duBytes(join(RELEASES, releases[0]!))) / 1e6
  const runs = Number(process.env.BENCH_RUNS ?? 5)
  const withRestic = spawnSync('restic', ['version']).status === 0
  const lg: Round[] = []
  const rs: Round[] = []
  // Interleaved: each round runs lastgood, then restic, on the same data, so both see the same machine.
  for (let i = 0; i < runs; i++) {
    lg.push(await lastgoodRound(releases))
    if (withRestic) rs.push(await resticRound(releases))
    process.stderr.write(`round ${i + 1}/${runs} done\n`)
  }
  const rows = [row('lastgood', lg, mb), ...(withRestic ? [row('restic', rs, mb), ratioRow(lg, rs)] : [])]
  printTable(
    `Snapshot and restore of ${releases.length} releases (~${mb.toFixed(0)} MB, ${releases[0]} …); wall time including process start; median (min–max) of ${runs} interleaved rounds`,
    [
      'tool',
      'first snapshot',
      'incremental (median)',
      'repo after all',
      'restore last (data)',
      'rollback command total',
      'verify --read-data',
      'peak RSS snap / restore / verify',
    ],
    rows,
  )
}

const secs = (ms: number) => (ms / 1000).toFixed(2)

/** `median (min–max)` of one figure over the rounds. */
function spread(xs: number[], fmt: (x: number) => string): string {
  return `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`
}

function row(tool: string, rounds: Round[], mb: number): string[] {
  const of = (k: 'first' | 'incremental' | 'restore' | 'verify') => rounds.map((r) => r[k])
  const rate = (xs: number[]) => `, ${(mb / (median(xs) / 1000)).toFixed(0)} MB/s`
  const totals = rounds.map((r) => r.total).filter((t): t is number => t !== null)
  return [
    tool,
    `${spread(of('first'), secs)} s${rate(of('first'))}`,
    `${spread(of('incremental'), secs)} s`,
    `${median(rounds.map((r) => r.repoMb)).toFixed(0)} MB`,
    `${spread(of('restore'), secs)} s${rate(of('restore'))}`,
    totals.length > 0 ? `${spread(totals, secs)} s` : '—',
    `${spread(of('verify'), secs)} s${tool === 'restic' ? ' (whole repo)' : ''}`,
    [0, 1, 2].map((i) => median(rounds.map((r) => r.rss[i]!)).toFixed(0)).join(' / ') + ' MB',
  ]
}

/** restic's median over lastgood's, per figure: above 1, lastgood is faster (or smaller). */
function ratioRow(lg: Round[], rs: Round[]): string[] {
  const ratio = (k: 'first' | 'incremental' | 'repoMb' | 'restore' | 'verify') =>
    `${(median(rs.map((r) => r[k])) / median(lg.map((r) => r[k]))).toFixed(2)}×`
  return [
    'restic ÷ lastgood',
    ratio('first'),
    ratio('incremental'),
    ratio('repoMb'),
    ratio('restore'),
    '—',
    ratio('verify'),
    [0, 1, 2].map((i) => (median(rs.map((r) => r.rss[i]!)) / median(lg.map((r) => r.rss[i]!))).toFixed(2)).join(' / ') + ' ×',
  ]
}

/** Ten deploys and snapshots through the CLI, then the last release rebuilt by `rollback --to`, then verify. */
async function lastgoodRound(releases: string[]): Promise<Round> {
  const work = await mkdtemp(join(tmpdir(), 'lastgood-bench-'))
  try {
    const deploy = join(work, 'deploy')
    await mkdir(join(deploy, 'releases'), { recursive: true })
    const config = join(work, 'lastgood.yaml')
    await writeFile(
      config,
      `version: 1\nplatform: bench\napps:\n  web:\n    priority: 1\n    components:\n      release:\n        provider: local-release\n        path: ./deploy\n`,
    )
    const lg = (args: string[]) => timed(process.execPath, [CLI, '--config', config, '--json', ...args], { LASTGOOD_ACTOR: 'bench' }, work)
    lg(['init'])
    const snaps: Timed[] = []
    const ids: string[] = []
    for (const r of releases) {
      await warm(join(RELEASES, r))
      // A deploy as a release directory tool does it; hard links cost no copy.
      execFileSync('cp', ['-al', join(RELEASES, r), join(deploy, 'releases', r)])
      await switchCurrent(join(deploy, 'current'), join('releases', r))
      const t = lg(['snapshot', 'create', 'web'])
      snaps.push(t)
      ids.push(JSON.parse(t.stdout).snapshots[0].id)
    }
    const repoMb = (await duBytes(join(work, '.lastgood/repo'))) / 1e6
    const last = releases.at(-1)!
    await switchCurrent(join(deploy, 'current'), join('releases', releases.at(-2)!))
    await rm(join(deploy, 'releases', last), { recursive: true })
    const restore = lg(['rollback', 'web', '--to', ids.at(-1)!, '--reason', 'bench', '--yes'])
    const report = JSON.parse(restore.stdout).report as {
      status: string
      apps: { restorePaths: Record<string, string> }[]
      steps: { name: string; durationMs: number }[]
    }
    if (report.status !== 'succeeded' || report.apps[0]!.restorePaths.release !== 'materialise')
      throw new Error(`restore did not materialise: ${restore.stdout}`)
    const verify = lg(['snapshot', 'verify', '--read-data', ids.at(-1)!])
    return {
      first: snaps[0]!.ms,
      incremental: median(snaps.slice(1).map((s) => s.ms)),
      repoMb,
      restore: report.steps.find((s) => s.name === 'restore')!.durationMs,
      total: restore.ms,
      verify: verify.ms,
      rss: [Math.max(...snaps.map((s) => s.rssMb)), restore.rssMb, verify.rssMb],
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** The same steps with restic, when it is installed, for a figure measured in the same run. */
async function resticRound(releases: string[]): Promise<Round> {
  const work = await mkdtemp(join(tmpdir(), 'restic-bench-'))
  try {
    const repo = join(work, 'restic-repo')
    const env = { RESTIC_PASSWORD: 'bench', RESTIC_CACHE_DIR: join(work, 'restic-cache') }
    timed('restic', ['init', '--repo', repo, '-q'], env)
    const times: Timed[] = []
    for (const r of releases) {
      await warm(join(RELEASES, r))
      times.push(timed('restic', ['backup', '--repo', repo, '-q', '.'], env, join(RELEASES, r)))
    }
    const repoMb = (await duBytes(repo)) / 1e6
    const restore = timed('restic', ['restore', 'latest', '--repo', repo, '--target', join(work, 'restic-restore'), '-q'], env)
    const check = timed('restic', ['check', '--read-data', '--repo', repo, '-q'], env)
    return {
      first: times[0]!.ms,
      incremental: median(times.slice(1).map((t) => t.ms)),
      repoMb,
      restore: restore.ms,
      total: null,
      verify: check.ms,
      rss: [Math.max(...times.map((t) => t.rssMb)), restore.rssMb, check.rssMb],
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
