/**
 * `npm run bench:throughput`: snapshot create and restore throughput on the ten ~200 MB releases made by
 * ../shared/bench/make-releases.sh, through the real CLI: first snapshot, incremental snapshots, repository
 * size after ten, restore (materialise) of the last release, verify --read-data, and peak RSS of each.
 * When restic is installed, the same steps run with restic beside it on the same data, in the same run.
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
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS_KB=%M', cmd, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28, ...(cwd ? { cwd } : {}) })
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

async function main(): Promise<void> {
  const releases = await ensureReleases()
  const releaseBytes = await duBytes(join(RELEASES, releases[0]!))
  const work = await mkdtemp(join(tmpdir(), 'lastgood-bench-'))
  try {
    const deploy = join(work, 'deploy')
    await mkdir(join(deploy, 'releases'), { recursive: true })
    const config = join(work, 'lastgood.yaml')
    await writeFile(config, `version: 1\nplatform: bench\napps:\n  web:\n    priority: 1\n    components:\n      release:\n        provider: local-release\n        path: ./deploy\n`)
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
    const repoBytes = await duBytes(join(work, '.lastgood/repo'))
    const last = releases.at(-1)!
    await switchCurrent(join(deploy, 'current'), join('releases', releases.at(-2)!))
    await rm(join(deploy, 'releases', last), { recursive: true })
    const restore = lg(['rollback', 'web', '--to', ids.at(-1)!, '--reason', 'bench', '--yes'])
    const report = JSON.parse(restore.stdout).report as { status: string; apps: { restorePaths: Record<string, string> }[]; steps: { name: string; durationMs: number }[] }
    if (report.status !== 'succeeded' || report.apps[0]!.restorePaths.release !== 'materialise') throw new Error(`restore did not materialise: ${restore.stdout}`)
    const restoreStepMs = report.steps.find((s) => s.name === 'restore')!.durationMs
    const verify = lg(['snapshot', 'verify', '--read-data', ids.at(-1)!])
    const mb = releaseBytes / 1e6
    const rows: (string | number)[][] = [
      ['lastgood', `${(snaps[0]!.ms / 1000).toFixed(2)} s (${(mb / (snaps[0]!.ms / 1000)).toFixed(0)} MB/s)`, `${(median(snaps.slice(1).map((s) => s.ms)) / 1000).toFixed(2)} s`,
        `${(repoBytes / 1e6).toFixed(0)} MB`, `${(restoreStepMs / 1000).toFixed(2)} s (${(mb / (restoreStepMs / 1000)).toFixed(0)} MB/s)`, `${(restore.ms / 1000).toFixed(2)} s`,
        `${(verify.ms / 1000).toFixed(2)} s`, `${Math.max(...snaps.map((s) => s.rssMb)).toFixed(0)} / ${restore.rssMb.toFixed(0)} / ${verify.rssMb.toFixed(0)} MB`],
    ]
    if (spawnSync('restic', ['version']).status === 0) rows.push(await restic(releases, work, mb))
    printTable(`Snapshot and restore of ${releases.length} releases (~${mb.toFixed(0)} MB, ${releases[0]} …); wall time, including process start`,
      ['tool', 'first snapshot', 'incremental (median)', 'repo after all', 'restore last (data)', 'rollback command total', 'verify --read-data', 'peak RSS snap / restore / verify'], rows)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** The same steps with restic, when it is installed, for a figure measured in the same run. */
async function restic(releases: string[], work: string, mb: number): Promise<(string | number)[]> {
  const repo = join(work, 'restic-repo')
  const env = { RESTIC_PASSWORD: 'bench', RESTIC_CACHE_DIR: join(work, 'restic-cache') }
  timed('restic', ['init', '--repo', repo, '-q'], env)
  const times: Timed[] = []
  for (const r of releases) {
    await warm(join(RELEASES, r))
    times.push(timed('restic', ['backup', '--repo', repo, '-q', '.'], env, join(RELEASES, r)))
  }
  const repoBytes = await duBytes(repo)
  const target = join(work, 'restic-restore')
  const restore = timed('restic', ['restore', 'latest', '--repo', repo, '--target', target, '-q'], env)
  const check = timed('restic', ['check', '--read-data', '--repo', repo, '-q'], env)
  return ['restic', `${(times[0]!.ms / 1000).toFixed(2)} s (${(mb / (times[0]!.ms / 1000)).toFixed(0)} MB/s)`, `${(median(times.slice(1).map((t) => t.ms)) / 1000).toFixed(2)} s`,
    `${(repoBytes / 1e6).toFixed(0)} MB`, `${(restore.ms / 1000).toFixed(2)} s (${(mb / (restore.ms / 1000)).toFixed(0)} MB/s)`, '—', `${(check.ms / 1000).toFixed(2)} s (whole repo)`,
    `${Math.max(...times.map((t) => t.rssMb)).toFixed(0)} / ${restore.rssMb.toFixed(0)} / ${check.rssMb.toFixed(0)} MB`]
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
