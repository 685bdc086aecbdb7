import { rename } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failing, preflightOf } from '../helpers/preflight-report.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

// `lastgood preflight`, the deploy gate, through the real command line: each check failing on its own, saying
// how to clear it (exit 3), and passing again once cleared. Freezes and the server: freeze.test.ts.

let p: SamplePlatform

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  await p.deploy('staff', 'v1')
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
}, 30_000)

afterAll(async () => {
  await p?.destroy()
})

const preflight = (...args: string[]) => preflightOf(p, args)

/** Writes rows as another lastgood process would have left them (a rollback holding its lock, a request). */
function inState(sql: string, ...values: unknown[]): void {
  const db = new Database(join(p.dir, '.lastgood/state.db'))
  try {
    db.prepare(sql).run(...values)
  } finally {
    db.close()
  }
}

const snapshot = (...args: string[]) => p.cli(['snapshot', 'create', 'staff', '--kind', 'pre-deploy', ...args])

describe('lastgood preflight', () => {
  it('fails each check on its own, naming how to clear it (exit 3), and passes once it is cleared', async () => {
    const none = await preflight()
    expect(none.code).toBe(3)
    expect(none.report.checks.map((c) => c.name)).toEqual(['snapshot', 'incident', 'rollback', 'approval', 'freeze'])
    expect(failing(none.report)).toEqual({
      snapshot: 'no pre-deploy snapshot of staff; take one: lastgood snapshot create staff --kind pre-deploy',
    })
    // Before the pipeline takes its snapshot, the rest of the gate.
    expect((await preflight('--before-snapshot')).code).toBe(0)

    expect((await snapshot()).code).toBe(0)
    const human = await p.cli(['preflight', 'staff'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^preflight staff: a deploy may go ahead\n/)
    expect(human.stdout).toMatch(/snapshot +ok +staff-\S+ taken \d+m?s ago, healthy, its data in the repository/)

    const stale = await preflight('--max-age', '1ms')
    expect(stale.code).toBe(3)
    expect(failing(stale.report).snapshot).toMatch(/^the newest pre-deploy snapshot, \S+, was taken \d+m?s ago, more than 1ms; take one/)

    const incident = await p.cli(['--json', 'incident', 'declare', 'general_emergency', '--scope', 'staff', '--reason', 'pager storm'])
    expect(incident.code, incident.stderr).toBe(0)
    const id = JSON.parse(incident.stdout).incident.id as string
    const during = await preflight()
    expect(during.code).toBe(3)
    expect(Object.keys(failing(during.report))).toEqual(['incident'])
    expect(failing(during.report).incident).toContain(`incident ${id} (general_emergency, `)
    expect(failing(during.report).incident).toContain(`lastgood incident resolve ${id} --summary`)
    expect((await p.cli(['incident', 'resolve', id, '--summary', 'pager fixed'])).code).toBe(0)
    expect((await preflight()).code).toBe(0)

    // A rollback under way: its process (this one) alive and its lock renewed.
    const far = new Date(Date.now() + 3_600_000).toISOString()
    inState(
      `insert into locks (target, run_id, owner_host, owner_pid, token, acquired_at, expires_at) values ('app:staff', 'rb-busy', ?, ?, 99, ?, ?)`,
      hostname(),
      process.pid,
      new Date().toISOString(),
      far,
    )
    const locked = await preflight()
    expect(locked.code).toBe(3)
    expect(Object.keys(failing(locked.report))).toEqual(['rollback'])
    expect(failing(locked.report).rollback).toMatch(/^app:staff is locked by rollback rb-busy \(pid \d+ .*wait for it to finish/)
    inState(`delete from locks where run_id = 'rb-busy'`)

    // A rollback waiting for someone to approve it.
    inState(
      `insert into approvals (id, requester, scenario, apps, plan_hash, plan, request, decision, reason, created_at, target_at, expires_at, required_approvers, asked, status)
       values ('ap-waiting', 'lee', 'error_rate', '["staff"]', 'h', '{}', '{}', '{}', 'v2 is slow', ?, ?, ?, 1, '{}', 'pending')`,
      new Date().toISOString(),
      far,
      far,
    )
    const waiting = await preflight()
    expect(waiting.code).toBe(3)
    expect(Object.keys(failing(waiting.report))).toEqual(['approval'])
    expect(failing(waiting.report).approval).toContain('rollback ap-waiting of staff awaits approval since')
    expect(failing(waiting.report).approval).toContain('lastgood approve ap-waiting --reason')
    inState(`update approvals set status = 'rejected' where id = 'ap-waiting'`)
    expect((await preflight()).code).toBe(0)

    // A rollback an alert trigger proposed that nobody ran or dismissed; dismissing it closes it, once.
    inState(
      `insert into pending_rollbacks (id, app, trigger, target, reason, created_at, status) values ('pr-open', 'staff', 'errors', null, 'error rate 7 %', ?, 'pending')`,
      new Date().toISOString(),
    )
    const proposed = await preflight()
    expect(Object.keys(failing(proposed.report))).toEqual(['rollback'])
    expect(failing(proposed.report).rollback).toContain('trigger errors proposed rolling staff back')
    expect(failing(proposed.report).rollback).toContain('lastgood rollback --dismiss pr-open --reason')
    const dismissed = await p.cli(['--json', 'rollback', '--dismiss', 'pr-open', '--reason', 'a one-off spike', '--yes'])
    expect(dismissed.code, dismissed.stderr).toBe(0)
    expect(JSON.parse(dismissed.stdout).dismissed).toMatchObject({ id: 'pr-open', app: 'staff', status: 'dismissed' })
    const events = JSON.parse((await p.cli(['--json', 'audit', 'log'])).stdout).events as { action: string; reason: string }[]
    expect(events.find((e) => e.action === 'rollback.pending.dismissed')).toMatchObject({ reason: 'a one-off spike' })
    const again = await p.cli(['rollback', '--dismiss', 'pr-open', '--reason', 'twice', '--yes'])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('pending rollback pr-open is already dismissed')
    expect((await preflight()).code).toBe(0)

    // Taken while the app was broken: restoring it would not bring a working app back.
    await p.deploy('staff', 'v0', { healthy: false })
    expect((await snapshot()).code).toBe(0)
    const unhealthy = await preflight()
    expect(Object.keys(failing(unhealthy.report))).toEqual(['snapshot'])
    expect(failing(unhealthy.report).snapshot).toMatch(/was taken while staff's health was failed and nobody vouched for it/)
    await p.deploy('staff', 'v1')
    expect((await snapshot()).code).toBe(0)
    expect((await preflight()).code).toBe(0)

    // Its data gone from the repository (moved away, and back for the tests after this one): nothing to restore.
    const packs = join(p.dir, '.lastgood/repo/data')
    await rename(packs, `${packs}.away`)
    const damaged = await preflight()
    await rename(`${packs}.away`, packs)
    expect(damaged.code).toBe(3)
    expect(failing(damaged.report).snapshot).toMatch(/cannot be restored: .*missing/)
    expect((await preflight()).code).toBe(0)
  }, 20_000)

  it('refuses bad input (exit 2) and says what was wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['preflight', 'nosuch'], /unknown app "nosuch"/],
      [['preflight', 'staff', '--max-age', 'soon'], /--max-age: expected a duration such as 10m, got "soon"/],
      [['freeze', 'staff', '--reason', 'audit week'], /until: needs --until/],
      [['freeze', 'staff', '--until', 'soon', '--reason', 'x'], /until: expected an ISO time .* got "soon"/],
      [['freeze', 'staff', '--until', '2020-01-01T00:00Z', '--reason', 'x'], /until: expected a time to come, got "2020-01-01T00:00Z"/],
      [['freeze', 'staff', '--until', '2h'], /freeze needs --reason/],
      [['freeze', 'nosuch', '--until', '2h', '--reason', 'x'], /unknown app "nosuch"/],
      [['unfreeze', 'staff', '--reason', 'x'], /staff is not frozen/],
    ]
    for (const [args, message] of cases) {
      const r = await p.cli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(message)
    }
  })
})
