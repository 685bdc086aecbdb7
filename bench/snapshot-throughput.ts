/**
 * `npm run bench:throughput`: lastgood, restic and borg side by side on the ten ~200 MB releases made by
 * ../shared/bench/make-releases.sh, each through its own CLI: first snapshot, incremental snapshots, repository
 * size after ten, restore of the last release into an empty directory, verify reading all data, and peak RSS of
 * each step. The three run interleaved round by round in one invocation (BENCH_RUNS rounds, 5 by default and at
 * least), so they share the machine's state; each figure is the median of the rounds with its min and max.
 * A missing restic or borg is installed from Debian when running as root, else the bench names the apt line.
 * BENCH_RELEASES points at another release set (a smaller one, made with --scale, while working on the bench).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { PACKAGE_ROOT } from '../src/core/package-root.js'
import { printComparison, type ToolResult } from './throughput/comparison-table.js'
import { BenchUsageError, ensurePeers } from './throughput/install-peers.js'
import { lastgood } from './throughput/lastgood-tool.js'
import { treeBytes } from './throughput/measure.js'
import { peerTool } from './throughput/peer-tool.js'
import { borg, restic } from './throughput/peers.js'
import { MIN_RUNS } from './stats.js'

const RELEASES = process.env.BENCH_RELEASES ?? '/tmp/lg-bench/releases'
const MAKE_RELEASES = resolve(PACKAGE_ROOT, '../shared/bench/make-releases.sh')

function rounds(): number {
  const raw = process.env.BENCH_RUNS ?? String(MIN_RUNS)
  const runs = Number(raw)
  if (!Number.isInteger(runs) || runs < MIN_RUNS)
    throw new BenchUsageError(
      `BENCH_RUNS=${raw}: each figure is a median with its spread over at least ${MIN_RUNS} rounds; use ${MIN_RUNS} or more`,
    )
  return runs
}

async function ensureReleases(): Promise<string[]> {
  if (!existsSync(join(RELEASES, '.complete'))) {
    if (!existsSync(MAKE_RELEASES))
      throw new BenchUsageError(`no releases in ${RELEASES} and no ${MAKE_RELEASES} to make them: run make-releases.sh ${RELEASES} first`)
    process.stderr.write(`generating releases in ${RELEASES} (one time)…\n`)
    execFileSync('bash', [MAKE_RELEASES, RELEASES], { stdio: ['ignore', 2, 2] })
  }
  return (await readdir(RELEASES)).filter((n) => /^r\d+$/.test(n)).sort()
}

async function main(): Promise<void> {
  const runs = rounds()
  ensurePeers([restic, borg])
  const releases = await ensureReleases()
  const started = new Date()
  const loadAtStart = loadavg()[0]!
  const tools = [lastgood, peerTool(restic), peerTool(borg)]
  const results: ToolResult[] = tools.map((t) => ({ name: t.name, version: t.version(), rounds: [] }))
  for (let i = 0; i < runs; i++) {
    // Rotated, so that no tool always runs first (or always right after another's clean-up).
    for (let k = 0; k < tools.length; k++) {
      const at = (i + k) % tools.length
      const t0 = performance.now()
      results[at]!.rounds.push(await tools[at]!.round(RELEASES, releases))
      process.stderr.write(`round ${i + 1}/${runs}: ${tools[at]!.name} ${((performance.now() - t0) / 1000).toFixed(0)} s\n`)
    }
  }
  printComparison(results, {
    started,
    loadAtStart,
    releases,
    firstMb: (await treeBytes(join(RELEASES, releases[0]!))) / 1e6,
    lastMb: (await treeBytes(join(RELEASES, releases.at(-1)!))) / 1e6,
  })
}

main().catch((err: unknown) => {
  if (err instanceof BenchUsageError) {
    process.stderr.write(`bench:throughput: ${err.message}\n`)
    process.exitCode = 2
    return
  }
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exitCode = 1
})
