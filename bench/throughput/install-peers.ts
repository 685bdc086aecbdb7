/** Makes sure restic and borg are there before a round starts: the table is a comparison or nothing. */
import { spawnSync } from 'node:child_process'
import { isInstalled, type PeerCli } from './peer-tool.js'

/** A reason the bench cannot run as asked; main() prints it and exits 2. */
export class BenchUsageError extends Error {}

/** Installs missing peers with Debian's apt-get when running as root; otherwise names the command to run. */
export function ensurePeers(peers: PeerCli[]): void {
  let missing = peers.filter((p) => !isInstalled(p))
  if (missing.length === 0) return
  const root = process.getuid?.() === 0
  if (root && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    const packages = missing.map((p) => p.debianPackage)
    process.stderr.write(`installing ${packages.join(' ')} with apt-get…\n`)
    // apt's output goes to stderr: stdout is the table.
    spawnSync('apt-get', ['install', '-y', ...packages], {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    missing = missing.filter((p) => !isInstalled(p))
    if (missing.length === 0) return
  }
  const line = `${root ? '' : 'sudo '}apt-get install -y ${missing.map((p) => p.debianPackage).join(' ')}`
  throw new BenchUsageError(
    `${missing.map((p) => p.bin).join(' and ')} not found: the bench compares lastgood with restic and borg. ` +
      `Install ${missing.length > 1 ? 'them' : 'it'} (after apt-get update if apt cannot find ${missing.length > 1 ? 'them' : 'it'}), then run it again: ${line}`,
  )
}
