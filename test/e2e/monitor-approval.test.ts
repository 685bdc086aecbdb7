import { readlink } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { approvalConfig, HOOK_SECRET } from '../../src/demo/approval-config.js'
import { StreamingCli } from '../helpers/monitor-process.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'
import { ServeProcess } from '../server/serve-process.js'

/**
 * The monitor acts through the decision matrix as a person does: a trigger whose scenario's row wants an approval
 * asks for one (bound to the plan, the approving roles told, audited, on the event stream) instead of rolling
 * back, asks once however often it fires, and the approved plan runs once; a flagged (emergency) row's rollback
 * runs at once and opens a review. Under an `auth` block the local command line acts as the OS user (ME), a
 * different person from the monitor.
 */

const ME = userInfo().username
let sp: SamplePlatform | undefined
let receiver: HttpReceiver | undefined
const running: Array<{ stop(): Promise<unknown> }> = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop()
  await sp?.destroy()
  await receiver?.close()
  sp = receiver = undefined
})

/** staff v1 known good, then a v2 whose health check fails, under a trigger of `scenario`. */
async function platform(scenario: string): Promise<SamplePlatform> {
  receiver = await HttpReceiver.start()
  receiver.otherwise(signedWebhookRoute(HOOK_SECRET))
  const staffTrigger = `{ kind: health_failures, action: rollback, scenario: ${scenario} }`
  const p = (sp = await SamplePlatform.create({ configText: approvalConfig(receiver.url(''), '', { staffTrigger }) }))
  await p.deploy('staff', 'v1')
  await p.start(['staff'])
  expect((await p.cli(['init'])).code).toBe(0)
  expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  await p.deploy('staff', 'v2', { healthy: false })
  return p
}

function monitor(p: SamplePlatform): StreamingCli {
  const m = new StreamingCli(p, ['monitor', 'staff'])
  running.push(m)
  return m
}

async function json(p: SamplePlatform, args: string[], code = 0) {
  const r = await p.cli(['--json', ...args])
  expect(r.code, r.stderr).toBe(code)
  return JSON.parse(r.stdout)
}

const live = (p: SamplePlatform) => readlink(join(p.dir, 'apps/staff/current'))
const audit = async (p: SamplePlatform) => (await json(p, ['audit', 'log'])).events as { action: string; actor: string; details: any }[]

async function until<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await get()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`no ${what} in ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('the monitor under the decision matrix', () => {
  it('asks for an approval instead of rolling back, once, and the approved plan runs once', async () => {
    const p = await platform('performance_degradation')
    const first = monitor(p)
    const asked = await first.waitFor((e) => e.type === 'approval.requested')
    const id = asked.data.approval as string
    expect(asked).toMatchObject({
      app: 'staff',
      trigger: 'health',
      outcome: 'refused',
      data: { scenario: 'performance_degradation', asked: { channels: ['leads'] }, command: `lastgood approve ${id} --reason "<why>"` },
    })
    expect((asked.data.asked as { roles: string[] }).roles).toEqual(expect.arrayContaining(['oncall', 'team-lead']))
    expect(first.events.some((e) => e.type === 'rollback.queued')).toBe(true)
    expect(first.events.some((e) => e.type === 'rollback.done')).toBe(false)
    expect(await live(p)).toBe('releases/v2')
    const requested = (await audit(p)).find((e) => e.action === 'approval.requested')
    expect(requested).toMatchObject({ actor: 'lastgood-monitor', details: { approval: id, scenario: 'performance_degradation' } })
    // The monitor's outbox tells the approving roles' channel, with the command.
    const hook = await until('message to leads', async () => receiver!.requests('/leads')[0])
    expect(hook.verdict).toBe('accepted')
    expect(hook.body.toString()).toContain(`lastgood approve ${id}`)
    await first.stop()

    // A monitor serving the API finds the trigger firing again: the open request already asks, none is added.
    const server = await ServeProcess.start(p)
    running.push(server)
    const metrics = () => fetch(`${server.url}/metrics`).then((r) => r.text())
    await until('approval.waiting', async () => (await audit(p)).find((e) => e.action === 'monitor.approval.waiting'))
    expect((await json(p, ['approvals'])).approvals.map((a: { id: string }) => a.id)).toEqual([id])
    expect(await metrics()).toMatch(/^lastgood_approvals_pending 1$/m)

    const approved = await json(p, ['approve', id, '--reason', 'p95 doubled since v2'])
    expect(approved).toMatchObject({ approval: { status: 'executed', outcome: 'succeeded', requester: 'lastgood-monitor' } })
    expect(approved.approval.decisions).toEqual([expect.objectContaining({ actor: ME, verdict: 'approve' })])
    expect(await live(p)).toBe('releases/v1')
    const start = (await audit(p)).filter((e) => e.action === 'rollback.start')
    expect(start).toHaveLength(1)
    expect(start[0]).toMatchObject({ actor: 'lastgood-monitor', details: { approval: { id, approvedBy: [ME] } } })
    expect(await metrics()).toMatch(/^lastgood_approvals_pending 0$/m)
    expect((await json(p, ['approve', id, '--reason', 'again'], 3)).error.message).toMatch(/already executed/)
    expect((await audit(p)).filter((e) => e.action === 'approval.requested')).toHaveLength(1)
  }, 60_000)

  it('rolls back at once under a flagged row, and opens a review another person closes with a note', async () => {
    const p = await platform('emergency')
    const m = monitor(p)
    const done = await m.waitFor((e) => e.type === 'rollback.done')
    expect(done.outcome).toBe('success')
    const opened = await m.waitFor((e) => e.type === 'review.opened')
    expect(opened.data).toMatchObject({ kind: 'emergency', run: done.data.run, scenario: 'emergency' })
    expect(await live(p)).toBe('releases/v1')
    expect(m.events.some((e) => e.type.startsWith('approval.'))).toBe(false)
    await m.stop()

    const start = (await audit(p)).find((e) => e.action === 'rollback.start')
    expect(start!.details.decision).toMatchObject({ scenario: 'emergency', flagged: true, approval: { required: false } })
    const [review] = (await json(p, ['reviews'])).reviews
    expect(review).toMatchObject({ id: opened.data.review, kind: 'emergency', subject: done.data.run, actor: 'lastgood-monitor' })
    expect((await p.cli(['review', 'close', review.id])).code).toBe(2)
    const closed = await json(p, ['review', 'close', review.id, '--note', 'v2 failed its health check; the rollback was right'])
    expect(closed.review).toMatchObject({ closedBy: ME, note: 'v2 failed its health check; the rollback was right' })
    const report = await json(p, ['report', 'compliance'])
    expect(report.actions.find((a: { action: string }) => a.action === 'rollback.start').breakGlass).toMatch(/^emergency \(flagged/)
  }, 60_000)
})
