import { spawn } from 'node:child_process'
import { readlink } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

let p: SamplePlatform | undefined
afterEach(async () => {
  await p?.destroy()
  p = undefined
})

async function setUp(restart?: string): Promise<SamplePlatform> {
  p = await SamplePlatform.create({ configText: singleAppConfig(restart ? { restart } : {}) })
  await p.deploy('staff', 'v1')
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
  expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  await p.deploy('staff', 'v2', { healthy: false })
  return p
}

describe('one rollback per app at a time (RELIABILITY case 10)', () => {
  it('twenty concurrent rollbacks of one app: exactly one runs, the others exit 3 naming its run', async () => {
    // The restart command keeps the winner inside its lock long enough for all twenty to collide.
    const platform = await setUp('sleep 4')
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => platform.cli(['rollback', 'staff', '--reason', `race ${i}`, '--yes'])),
    )
    const codes = results.map((r) => r.code)
    expect(codes.filter((c) => c === 0)).toHaveLength(1)
    expect(codes.filter((c) => c === 3)).toHaveLength(19)
    for (const r of results.filter((x) => x.code === 3))
      expect(r.stderr).toMatch(/app:staff is locked by rollback rb-\d{8}-\d{6}-[0-9a-f]{4} \(pid \d+/)
    expect(await readlink(join(platform.dir, 'apps/staff/current'))).toBe('releases/v1')
    expect((await platform.cli(['audit', 'verify'])).code).toBe(0)
  }, 120_000)

  it('takes over the stale lock of a dead process and audits the takeover', async () => {
    const platform = await setUp()
    const deadPid = await new Promise<number>((ok) => {
      const child = spawn(process.execPath, ['-e', '0'])
      child.once('exit', () => ok(child.pid!))
    })
    const db = new Database(join(platform.dir, '.lastgood/state.db'))
    const far = new Date(Date.now() + 3_600_000).toISOString()
    db.prepare(
      `insert into rollback_runs (id, apps, status, reason, actor, started_at, owner_host, owner_pid) values ('rb-dead', '["staff"]', 'running', 'crashed', 'x', ?, ?, ?)`,
    ).run(new Date().toISOString(), (await import('node:os')).hostname(), deadPid)
    db.prepare(
      `insert into locks (target, run_id, owner_host, owner_pid, token, acquired_at, expires_at) values ('app:staff', 'rb-dead', ?, ?, 1, ?, ?)`,
    ).run((await import('node:os')).hostname(), deadPid, new Date().toISOString(), far)
    db.close()
    const r = await platform.cli(['rollback', 'staff', '--reason', 'after a crash', '--yes'])
    expect(r.code, r.stderr).toBe(0)
    const events = JSON.parse((await platform.cli(['--json', 'audit', 'log'])).stdout).events as {
      action: string
      reason: string
      details: { previousRun: string }
    }[]
    const takeover = events.find((e) => e.action === 'lock.takeover')
    expect(takeover?.details.previousRun).toBe('rb-dead')
    expect(takeover?.reason).toContain(`pid ${deadPid} is no longer running`)
    const check = new Database(join(platform.dir, '.lastgood/state.db'), { readonly: true })
    expect(check.prepare(`select status from rollback_runs where id = 'rb-dead'`).get()).toEqual({ status: 'interrupted' })
    check.close()
  })
})
