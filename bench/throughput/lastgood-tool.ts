/** lastgood in the throughput bench: each release deployed as a release directory tool does it, snapshotted through the CLI. */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { switchCurrent } from '../../src/demo/sample-platform.js'
import { flushPageCache, timed, treeBytes, warm, type Timed } from './measure.js'
import { type Round, roundOf, type Tool } from './round.js'

const CLI = join(PACKAGE_ROOT, 'bin/lastgood.cjs')

export const lastgood: Tool = {
  name: 'lastgood',
  version: () => `lastgood ${execFileSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).trim()}`,
  round: lastgoodRound,
}

/** Ten deploys and snapshots, then the last release rebuilt by `rollback --to` into its empty directory, then verify. */
async function lastgoodRound(releasesDir: string, releases: string[]): Promise<Round> {
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
      await warm(join(releasesDir, r))
      // A deploy as a release directory tool does it; hard links cost no copy.
      execFileSync('cp', ['-al', join(releasesDir, r), join(deploy, 'releases', r)])
      await switchCurrent(join(deploy, 'current'), join('releases', r))
      const t = lg(['snapshot', 'create', 'web'])
      snaps.push(t)
      ids.push(JSON.parse(t.stdout).snapshots[0].id)
    }
    const repoMb = (await treeBytes(join(work, '.lastgood/repo'))) / 1e6
    const last = releases.at(-1)!
    await switchCurrent(join(deploy, 'current'), join('releases', releases.at(-2)!))
    await rm(join(deploy, 'releases', last), { recursive: true })
    flushPageCache()
    const restore = lg(['rollback', 'web', '--to', ids.at(-1)!, '--reason', 'bench', '--yes'])
    const report = JSON.parse(restore.stdout).report as {
      status: string
      apps: { restorePaths: Record<string, string> }[]
      steps: { name: string; durationMs: number }[]
    }
    if (report.status !== 'succeeded' || report.apps[0]!.restorePaths.release !== 'materialise')
      throw new Error(`restore did not materialise: ${restore.stdout}`)
    // Every snapshot, as restic check and borg check read the whole repository.
    const verify = lg(['snapshot', 'verify', '--read-data'])
    const restoreStep = report.steps.find((s) => s.name === 'restore')!.durationMs
    return roundOf({ snaps, repoMb, restore, restoreStep, verify })
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
