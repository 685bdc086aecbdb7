/** A peer backup program (restic, borg) in the throughput bench: the same steps as lastgood, through its own CLI. */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { flushPageCache, timed, treeBytes, warm, type Timed } from './measure.js'
import { type Round, roundOf, type Tool } from './round.js'

/** The arguments a peer takes for each step; `repo` is an absolute path that does not exist before init. */
export interface PeerCli {
  readonly name: string
  readonly bin: string
  /** The Debian package that provides `bin`. */
  readonly debianPackage: string
  readonly versionArgs: string[]
  /** Its repository password, and its cache and configuration kept inside `work`, away from the user's. */
  env(work: string): Record<string, string>
  init(repo: string): string[]
  /** Run with the release directory as working directory; `release` names the snapshot where the peer needs a name. */
  backup(repo: string, release: string): string[]
  /** Run with the empty target directory as working directory. */
  restore(repo: string, release: string): string[]
  /** Reads and authenticates every byte of the repository. */
  verify(repo: string): string[]
}

export function isInstalled(peer: PeerCli): boolean {
  return spawnSync(peer.bin, peer.versionArgs, { stdio: 'ignore' }).status === 0
}

export function peerTool(peer: PeerCli): Tool {
  return {
    name: peer.name,
    version: () => spawnSync(peer.bin, peer.versionArgs, { encoding: 'utf8' }).stdout.split(/\s+/).slice(0, 2).join(' '),
    round: (releasesDir, releases) => peerRound(peer, releasesDir, releases),
  }
}

async function peerRound(peer: PeerCli, releasesDir: string, releases: string[]): Promise<Round> {
  const work = await mkdtemp(join(tmpdir(), `${peer.name}-bench-`))
  try {
    const repo = join(work, 'repo')
    const target = join(work, 'restore')
    await mkdir(target)
    const env = peer.env(work)
    const run = (args: string[], cwd?: string) => timed(peer.bin, args, env, cwd)
    run(peer.init(repo))
    const snaps: Timed[] = []
    for (const r of releases) {
      await warm(join(releasesDir, r))
      snaps.push(run(peer.backup(repo, r), join(releasesDir, r)))
    }
    const repoMb = (await treeBytes(repo)) / 1e6
    flushPageCache()
    const restore = run(peer.restore(repo, releases.at(-1)!), target)
    // Neither peer fsyncs what it restores; lastgood's restore ends with a syncfs of the file system it wrote, and
    // `sync -f` is that same call, so each restore is timed until it is durable.
    const synced = timed('sync', ['-f', target])
    const verify = run(peer.verify(repo))
    return roundOf({ snaps, repoMb, restore: { ms: restore.ms + synced.ms, rssMb: restore.rssMb }, restoreStep: null, verify })
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
