import { readFile, readlink, writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'
import { peopleWithTokens } from '../helpers/people.js'
import { ServeProcess } from '../server/serve-process.js'
import { approvalConfig, HOOK_SECRET } from '../../src/demo/approval-config.js'

/**
 * The approval and break-glass paths of the real command line: a rollback the matrix wants approved is a
 * request (exit 3, its id), approved by someone else it runs once; break-glass runs at once under a grant and
 * opens a review another person closes; the compliance report shows both. Under an `auth` block a local
 * command acts as the OS user (ME), so the other people act through `lastgood serve` with their API tokens.
 */

const ME = userInfo().username
let sp: SamplePlatform | undefined
let receiver: HttpReceiver | undefined
let server: (ServeProcess & { url: string }) | undefined
const tokens: Record<string, string> = {}
afterEach(async () => {
  await server?.stop('SIGKILL')
  await sp?.destroy()
  await receiver?.close()
  sp = receiver = server = undefined
})

async function platform(extra = '') {
  receiver = await HttpReceiver.start()
  receiver.otherwise(signedWebhookRoute(HOOK_SECRET))
  const p = (sp = await SamplePlatform.create({ configText: approvalConfig(receiver.url('')) + extra }))
  await p.deploy('staff', 'v1')
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
  expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  await p.deploy('staff', 'v2', { healthy: false })
  Object.assign(
    tokens,
    await peopleWithTokens(p, [
      [ME, 'team-lead'],
      ['lee', 'team-lead'],
      ['tom', 'team-lead'],
      ['sue', 'security'],
      ['oli', 'operator'],
    ]),
  )
  server = await ServeProcess.start(p)
  return p
}

/** A person's command through the server, with their token; ME's own local commands run without one. */
const as = (p: SamplePlatform, who: string, args: string[]) =>
  who === ME && !REMOTE_ONLY.has(args[0]!)
    ? p.cli(['--json', ...args])
    : p.cli(['--json', '--server', server!.url, ...args], { env: { LASTGOOD_TOKEN: tokens[who]! } })
/** What ME does through the server too, as anyone else would: the rest (rollback) runs on this machine. */
const REMOTE_ONLY = new Set(['approve', 'reject', 'review', 'approvals', 'reviews'])
const live = (p: SamplePlatform) => readlink(join(p.dir, 'apps/staff/current'))

describe('lastgood rollback under the decision matrix', () => {
  it('asks for an approval (exit 3), refuses self-approval, runs once when another approves, and waits to the end', async () => {
    const p = await platform()
    const asked = await as(p, ME, ['rollback', 'staff', '--reason', 'v2 is broken', '--yes'])
    expect(asked.code, asked.stderr).toBe(3)
    const { approval } = JSON.parse(asked.stdout)
    expect(approval).toMatchObject({ status: 'pending', requester: ME, asked: { channels: ['leads'] } })
    const human = await p.cli(['rollback', 'staff', '--reason', 'v2 is still broken', '--yes'])
    expect(human.code).toBe(3)
    expect(human.stdout).toMatch(/approval ap-\S+ requested: .*team-lead/)
    expect(await live(p)).toBe('releases/v2')

    const self = await as(p, ME, ['approve', approval.id, '--reason', 'mine'])
    expect(self.code).toBe(3)
    expect(JSON.parse(self.stdout).error.message).toContain(`${ME} asked for approval`)
    const noReason = await as(p, 'lee', ['approve', approval.id])
    expect(noReason.code).toBe(2)

    const ok = await as(p, 'lee', ['approve', approval.id, '--reason', 'confirmed on the dashboard'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ approval: { status: 'executed', outcome: 'succeeded' }, report: { status: 'succeeded' } })
    expect(await live(p)).toBe('releases/v1')
    const again = await as(p, 'tom', ['approve', approval.id, '--reason', 'me too'])
    expect(again.code).toBe(3)

    const waited = await as(p, ME, ['approvals', 'wait', approval.id, '--timeout', '5s'])
    expect(waited.code).toBe(0)
    const listed = JSON.parse((await as(p, ME, ['approvals', '--all'])).stdout).approvals
    expect(listed.map((a: { id: string; status: string }) => [a.id, a.status])).toContainEqual([approval.id, 'executed'])
    expect(JSON.parse((await as(p, ME, ['approvals'])).stdout).approvals).toHaveLength(1)
    const shown = await p.cli(['approvals', 'show', approval.id])
    expect(shown.stdout).toContain(`approval ${approval.id}: executed`)
    expect(shown.stdout).toContain('approved by lee')

    const report = JSON.parse((await p.cli(['--json', 'report', 'compliance'])).stdout)
    const start = report.actions.find((a: { action: string }) => a.action === 'rollback.start')
    expect(start.approvals).toMatch(new RegExp(`^${approval.id} approved by lee; decided in \\d+s \\(target 600s\\)$`))
    const refused = report.actions.filter((a: { action: string }) => a.action === 'approval.refused')
    expect(refused.map((a: { actor: string }) => a.actor)).toEqual([ME, 'tom'])
  }, 60_000)

  it('rejected: the wait exits 3 and nothing runs', async () => {
    const p = await platform()
    const { approval } = JSON.parse((await as(p, ME, ['rollback', 'staff', '--reason', 'v2 is broken', '--yes'])).stdout)
    expect((await as(p, 'lee', ['reject', approval.id, '--reason', 'fix forward instead'])).code).toBe(0)
    const waited = await as(p, ME, ['approvals', 'wait', approval.id])
    expect(waited.code).toBe(3)
    expect(JSON.parse(waited.stdout).approval.status).toBe('rejected')
    expect(await live(p)).toBe('releases/v2')
  }, 60_000)
})

describe('break-glass', () => {
  it('runs at once under a grant, flagged, tells security, and opens a review only another holder of review closes', async () => {
    const p = await platform()
    const noReason = await as(p, ME, ['rollback', 'staff', '--break-glass', '--yes'])
    expect(noReason.code).toBe(2)
    expect(JSON.parse(noReason.stdout).error.message).toContain('break-glass needs --reason')
    const ran = await as(p, ME, ['rollback', 'staff', '--break-glass', '--reason', 'patients cannot check in', '--yes'])
    expect(ran.code, ran.stderr).toBe(0)
    const out = JSON.parse(ran.stdout)
    expect(out).toMatchObject({ breakGlass: true, review: { kind: 'break-glass', actor: ME }, report: { status: 'succeeded' } })
    expect(await live(p)).toBe('releases/v1')
    const queued = await p.cli(['--json', 'audit', 'log'])
    const actions = JSON.parse(queued.stdout).events.map((e: { action: string }) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['break-glass.refused', 'break-glass.opened', 'review.opened', 'rollback.start']))

    const reviews = JSON.parse((await as(p, 'lee', ['reviews'])).stdout).reviews
    expect(reviews).toHaveLength(1)
    const own = await as(p, ME, ['review', 'close', out.review.id, '--note', 'all fine'])
    expect(own.code).toBe(3)
    const closed = await as(p, 'sue', ['review', 'close', out.review.id, '--note', 'checked: v2 was broken, rollback was right'])
    expect(closed.code, closed.stderr).toBe(0)
    expect(JSON.parse((await as(p, 'lee', ['reviews'])).stdout).reviews).toHaveLength(0)

    const report = JSON.parse((await p.cli(['--json', 'report', 'compliance'])).stdout)
    const start = report.actions.find((a: { action: string }) => a.action === 'rollback.start')
    expect(start.breakGlass).toBe(`yes (grant ${out.grant})`)
    expect(report.actions.find((a: { action: string }) => a.action === 'break-glass.opened').breakGlass).toBe(
      `yes (grant ${out.grant}, review ${out.review.id})`,
    )
  }, 60_000)

  it('is refused (exit 3, audited) for an identity without the break-glass permission', async () => {
    const p = await platform()
    // An operator may ask for a rollback, not break the glass.
    const refused = await as(p, 'oli', ['rollback', 'staff', '--break-glass', '--reason', 'outage', '--yes'])
    expect(refused.code).toBe(3)
    expect(JSON.parse(refused.stdout).error.message).toContain('lacks the permission "break-glass"')
    expect(await live(p)).toBe('releases/v2')
    const log = JSON.parse((await p.cli(['--json', 'audit', 'log'])).stdout).events as { action: string }[]
    expect(log.find((e) => e.action === 'break-glass.refused')).toMatchObject({
      actor: 'oli',
      outcome: 'refused',
      details: { why: 'permission' },
    })
    expect(log.some((e) => e.action === 'break-glass.opened' || e.action === 'rollback.start')).toBe(false)

    // The local command line may only read under local_cli: read-only: a rollback goes through the server.
    await writeFile(p.configFile, (await readFile(p.configFile, 'utf8')).replace('auth:\n', 'auth:\n  local_cli: read-only\n'))
    const local = await p.cli(['--json', 'rollback', 'staff', '--break-glass', '--reason', 'outage', '--yes'])
    expect(local.code).toBe(3)
    expect(JSON.parse(local.stdout).error.message).toContain('--server')
    expect(await live(p)).toBe('releases/v2')
  }, 60_000)
})
