/**
 * restic and borg as the throughput bench runs them, on the settings that make the comparison fair: encryption
 * on, compression of lastgood's class (zstd level 3), a repository on the same file system, caches in the round's
 * temp dir.
 */
import { join } from 'node:path'
import type { PeerCli } from './peer-tool.js'

const PASSWORD = 'bench'

export const restic: PeerCli = {
  name: 'restic',
  bin: 'restic',
  debianPackage: 'restic',
  versionArgs: ['version'],
  env: (work) => ({ RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: join(work, 'cache') }),
  init: (repo) => ['init', '--repo', repo, '-q'],
  // auto is restic's default: zstd at its default speed, the counterpart of zstd level 3. Spelt out so a later
  // default cannot change what is measured.
  backup: (repo) => ['backup', '--repo', repo, '--compression', 'auto', '-q', '.'],
  restore: (repo) => ['restore', 'latest', '--repo', repo, '--target', '.', '-q'],
  verify: (repo) => ['check', '--read-data', '--repo', repo, '-q'],
}

export const borg: PeerCli = {
  name: 'borg',
  bin: 'borg',
  debianPackage: 'borgbackup',
  versionArgs: ['--version'],
  // BORG_BASE_DIR holds borg's cache, security and key directories.
  env: (work) => ({ BORG_PASSPHRASE: PASSWORD, BORG_BASE_DIR: join(work, 'home') }),
  init: (repo) => ['init', '--encryption', 'repokey', repo],
  // zstd,3 rather than borg's default lz4: lz4 is a faster, weaker class than lastgood's zstd 3 and restic's auto.
  backup: (repo, release) => ['create', '--compression', 'zstd,3', `${repo}::${release}`, '.'],
  restore: (repo, release) => ['extract', `${repo}::${release}`],
  verify: (repo) => ['check', '--verify-data', repo],
}
