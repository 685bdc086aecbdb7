import { execFileSync } from 'node:child_process'
import { mkdir, readlink, rm } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

// RELIABILITY case 8 with a real I/O error: the state directory is an ext4 file system on a loop device whose
// backing file lives on a 32 MiB tmpfs. Filling that tmpfs (the journal's fault hook, at an exact durable
// boundary) makes the loop device fail its writes, so the next fsync of the state database returns EIO from
// the kernel and ext4 goes read-only, as a failing disk does. The disk is then "repaired" (space back, fsck,
// mounted again) and what is on it must be whole.
let p: SamplePlatform
let backing: string
let state: string
let loop = ''

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  backing = join(p.dir, 'backing')
  state = join(p.dir, '.lastgood')
  await mkdir(backing)
  await mkdir(state)
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', backing])
  execFileSync('truncate', ['-s', '64M', join(backing, 'disk.img')])
  loop = execFileSync('losetup', ['-f', '--show', join(backing, 'disk.img')], { encoding: 'utf8' }).trim()
  execFileSync('mkfs.ext4', ['-q', '-E', 'lazy_itable_init=1,lazy_journal_init=1', loop])
  execFileSync('mount', ['-o', 'errors=continue', loop, state])
  await p.deploy('staff', 'v1')
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
  const snap = await p.cli(['snapshot', 'create', 'staff'])
  expect(snap.code, snap.stderr).toBe(0)
}, 60_000)
afterAll(async () => {
  await p?.stop()
  if (loop) {
    execFileSync('umount', [state])
    execFileSync('losetup', ['-d', loop])
  }
  if (backing) execFileSync('umount', [backing])
  await p?.destroy()
})

/** Space back on the backing store, the file system checked and mounted again: the disk after a repair. */
async function repair(): Promise<void> {
  await rm(join(backing, 'filler'), { force: true })
  execFileSync('umount', [state])
  try {
    execFileSync('fsck.ext4', ['-f', '-y', loop], { stdio: 'ignore' })
  } catch {
    // fsck exits 1 when it corrected the file system: expected after an I/O error.
  }
  execFileSync('mount', ['-o', 'errors=continue', loop, state])
}

function query<T>(sql: string): T[] {
  const db = new Database(join(state, 'state.db'), { readonly: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

describe('RELIABILITY case 8: an I/O error', () => {
  it('case 8: EIO on the audit append that finishes a rollback leaves no half-visible state; after a repair the chain verifies and the run finishes', async () => {
    await p.deploy('staff', 'v2', { healthy: false })
    // Write 10 records the app's outcome; the next is the finish: the run's end and its rollback.finish event.
    const r = await p.cli(['rollback', 'staff', '--reason', 'disk fails', '--yes'], {
      env: { LASTGOOD_FAULT_DISK_FULL_AFTER: '10', LASTGOOD_FAULT_DISK_FULL_FILE: join(backing, 'filler') },
    })
    expect(r.code, r.stdout + r.stderr).toBe(1)
    await repair()
    const [run] = query<{ id: string; status: string }>('select id, status from rollback_runs order by started_at desc limit 1')
    expect(r.stderr).toMatch(
      new RegExp(
        `^lastgood: the disk failed to read or write \\(I/O error\\) \\(.*\\): rollback ${run!.id} stopped .* after it began restoring; check the disk, then finish it with \`lastgood rollback --resume ${run!.id} --reason "<why>"\`$`,
        'm',
      ),
    )

    const audit = await p.cli(['audit', 'verify'])
    expect(audit.code, audit.stdout + audit.stderr).toBe(0)
    const finishes = query<{ details: string }>(`select details from audit_events where action = 'rollback.finish'`).filter(
      (e) => JSON.parse(e.details).run === run!.id,
    )
    // The run's end and its event committed together, or neither did.
    expect(finishes).toHaveLength(run!.status === 'running' ? 0 : 1)
    for (const s of query<{ status: string; ended_at: string | null }>('select status, ended_at from rollback_steps'))
      expect(s.status === 'running' ? s.ended_at === null : s.ended_at !== null).toBe(true)
    if (run!.status === 'running') {
      const resumed = await p.cli(['rollback', '--resume', run!.id, '--reason', 'disk repaired', '--yes'])
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
    }
    expect(await readlink(join(p.dir, 'apps/staff/current'))).toBe('releases/v1')
    expect((await p.cli(['audit', 'verify'])).code).toBe(0)
  }, 60_000)
})
