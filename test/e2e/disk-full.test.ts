import { execFileSync } from 'node:child_process'
import { mkdir, readlink, rm } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

// RELIABILITY case 8 with a real full disk: the state directory (state database, repository, key) lives on a
// 16 MiB tmpfs mounted for this file, and a disk is filled by writing zeros to a file on it until the kernel
// says ENOSPC, either from the test or, at an exact durable boundary of a rollback, by the journal's fault hook.
let p: SamplePlatform
let state: string
let filler: string

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  state = join(p.dir, '.lastgood')
  filler = join(state, 'filler')
  await mkdir(state)
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', state])
  await p.deploy('staff', 'v1')
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
  const snap = await p.cli(['--json', 'snapshot', 'create', 'staff'])
  expect(JSON.parse(snap.stdout).snapshots[0].knownGood).toBe(true)
}, 60_000)
afterAll(async () => {
  await p?.stop()
  if (state) execFileSync('umount', [state])
  await p?.destroy()
})

function fillDisk(): void {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' })
  } catch {
    // dd exits 1 once the disk is full: that is the point.
  }
}

interface Run {
  id: string
  status: string
}
interface Step {
  run_id: string
  seq: number
  name: string
  status: string
  ended_at: string | null
}

function query<T>(sql: string): T[] {
  const db = new Database(join(state, 'state.db'), { readonly: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

/** After any failure: the chain verifies, and every journal row is whole (a step is running, or ended with an end time). */
async function expectNothingHalfWritten(): Promise<void> {
  const audit = await p.cli(['audit', 'verify'])
  expect(audit.code, audit.stdout + audit.stderr).toBe(0)
  for (const s of query<Step>('select * from rollback_steps'))
    expect(s.status === 'running' ? s.ended_at === null : s.ended_at !== null, JSON.stringify(s)).toBe(true)
  // A run's end and its rollback.finish event commit together: a finished run has exactly one, a running one none.
  const finishes = query<{ details: string }>(`select details from audit_events where action = 'rollback.finish'`).map(
    (e) => JSON.parse(e.details).run as string,
  )
  for (const r of query<Run>('select id, status from rollback_runs')) {
    expect(
      finishes.filter((id) => id === r.id),
      `${r.id} ${r.status}`,
    ).toHaveLength(['succeeded', 'failed'].includes(r.status) ? 1 : 0)
  }
}

describe('RELIABILITY case 8: a full disk', () => {
  it('status still shows what it read and says which disk is full (exit 0), in human and --json output', async () => {
    fillDisk()
    try {
      const human = await p.cli(['status'])
      expect(human.code, human.stderr).toBe(0)
      // What it read from the state and the live release, the rollback target included, before the warning.
      expect(human.stdout).toMatch(/staff +1 +release=v1 +passed/)
      expect(human.stdout).toMatch(/staff +release +v1 +none: no known-good snapshot differs from what runs now/)
      expect(human.stdout).toContain(`WARNING: the disk holding ${state} is full`)
      const json = await p.cli(['--json', 'status'])
      expect(json.code, json.stderr).toBe(0)
      const doc = JSON.parse(json.stdout)
      expect(doc.apps[0].lastKnownGood).not.toBeNull()
      expect(doc.fullDisks).toEqual([{ path: state, freeBytes: expect.any(Number) }])
    } finally {
      await rm(filler, { force: true })
    }
    expect(JSON.parse((await p.cli(['--json', 'status'])).stdout).fullDisks).toEqual([])
  }, 60_000)

  it('case 8: a rollback whose disk fills before its first step is recorded as failed, says so (exit 1), and needs no --abandon', async () => {
    await p.deploy('staff', 'v2', { healthy: false })
    // Write 1 is the run's begin: the disk is full before the first step is journaled.
    const r = await p.cli(['rollback', 'staff', '--reason', 'disk fills', '--yes'], {
      env: { LASTGOOD_FAULT_DISK_FULL_AFTER: '1', LASTGOOD_FAULT_DISK_FULL_FILE: filler },
    })
    await rm(filler, { force: true })
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stderr).toMatch(
      /^lastgood: the disk is full \(.*\): rollback rb-\S+ stopped before it changed anything and is recorded as failed; free space on the disk of the state directory and repository, then roll back again$/m,
    )
    expect(await readlink(join(p.dir, 'apps/staff/current'))).toBe('releases/v2')
    const [run] = query<Run>(`select id, status from rollback_runs order by started_at desc limit 1`)
    expect(run!.status).toBe('failed')
    await expectNothingHalfWritten()
    const status = JSON.parse((await p.cli(['--json', 'status'])).stdout)
    expect(status.apps[0].lastRollback).toMatchObject({ id: run!.id, status: 'failed' })
    expect(status.apps[0].lastRollback.resume).toBeUndefined()

    const again = await p.cli(['rollback', 'staff', '--reason', 'space is back', '--yes'])
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(await readlink(join(p.dir, 'apps/staff/current'))).toBe('releases/v1')
  }, 60_000)

  // Write 7 ends the restore: the validation's start (a journal write), the revert and the outcome (an audit
  // append) cannot be written. A restore took effect, so the journal is the truth: the run stays for --resume.
  // (disk-eio.test.ts fails the finish, the run's end and its audit event, with a real I/O error.)
  it('case 8: a disk that fills after durable write 7 (a journal write) leaves no half-visible state; --resume finishes the run', async () => {
    const after = 7
    await p.deploy('staff', 'v2', { healthy: false })
    const r = await p.cli(['rollback', 'staff', '--reason', `full after ${after}`, '--yes'], {
      env: { LASTGOOD_FAULT_DISK_FULL_AFTER: String(after), LASTGOOD_FAULT_DISK_FULL_FILE: filler },
    })
    await rm(filler, { force: true })
    expect(r.code, r.stdout + r.stderr).toBe(1)
    const [run] = query<Run>(`select id, status from rollback_runs order by started_at desc limit 1`)
    expect(r.stderr).toMatch(
      new RegExp(
        `^lastgood: the disk is full \\(.*\\): rollback ${run!.id} stopped .* after it began restoring; free space on the disk of the state directory and repository, then finish it with \`lastgood rollback --resume ${run!.id} --reason "<why>"\`$`,
        'm',
      ),
    )
    expect(run!.status).toBe('running')
    await expectNothingHalfWritten()
    const resumed = await p.cli(['rollback', '--resume', run!.id, '--reason', 'space is back', '--yes'])
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
    expect(await readlink(join(p.dir, 'apps/staff/current'))).toBe('releases/v1')
    await expectNothingHalfWritten()
  }, 60_000)
})
