import { readlink } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'
import { peopleWithTokens } from '../helpers/people.js'
import { ServeProcess } from '../server/serve-process.js'
import { approvalConfig, HOOK_SECRET } from '../../src/demo/approval-config.js'

/**
 * An incident's runbook under the decision matrix, through the real command line and `lastgood serve`: a
 * security_incident's rollback waits for the security team (exit 3, one request, nothing escalated by the
 * runbook); approved by a security token through the server, it runs once and the incident records it and
 * reads recovered; a general_emergency (the flagged row) rolls back at once and opens an emergency review.
 * Under the `auth` block a local command acts as the OS user (ME); the others act with their API tokens.
 */

const ME = userInfo().username
let sp: SamplePlatform
let receiver: HttpReceiver
let server: ServeProcess & { url: string }
const tokens: Record<string, string> = {}

beforeAll(async () => {
  receiver = await HttpReceiver.start()
  receiver.otherwise(signedWebhookRoute(HOOK_SECRET))
  sp = await SamplePlatform.create({
    configText: `${approvalConfig(receiver.url(''))}runbooks:\n  general_emergency:\n    - step: rollback\n`,
  })
  await sp.deploy('staff', 'v1')
  await sp.start(['staff'])
  expect((await sp.cli(['init'])).code).toBe(0)
  expect((await sp.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  await sp.deploy('staff', 'v2', { healthy: false })
  Object.assign(
    tokens,
    await peopleWithTokens(sp, [
      ['sue', 'security'],
      ['oli', 'operator'],
    ]),
  )
  server = await ServeProcess.start(sp)
}, 30_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  await sp?.destroy()
  await receiver?.close()
})

const remote = (who: string, args: string[]) =>
  sp.cli(['--json', '--server', server.url, ...args], { env: { LASTGOOD_TOKEN: tokens[who]! } })
const json = async (args: string[]) => {
  const r = await sp.cli(['--json', ...args])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}
const live = () => readlink(join(sp.dir, 'apps/staff/current'))

describe("an incident's runbook under the decision matrix", () => {
  it('security_incident: the rollback waits for the security team, runs once when approved, and the incident records it', async () => {
    const declared = await sp.cli([
      '--json',
      'incident',
      'declare',
      'security_incident',
      '--scope',
      'staff',
      '--reason',
      'tampered release',
    ])
    expect(declared.code, declared.stderr).toBe(3)
    const out = JSON.parse(declared.stdout)
    const { approval, incident, runbook } = out
    expect(approval).toMatchObject({
      status: 'pending',
      requester: ME,
      scenario: 'security_incident',
      apps: ['staff'],
      asked: { roles: ['security'], channels: ['soc'] },
      ask: { incident: { id: incident.id, type: 'security_incident' } },
    })
    expect(runbook.outcome).toBe('waiting')
    expect(runbook.approval.id).toBe(approval.id)
    expect(runbook.steps.map((s: { name: string; outcome: string }) => [s.name, s.outcome])).toEqual([
      ['preserve_evidence', 'succeeded'],
      ['rollback', 'waiting'],
    ])
    expect(incident).toMatchObject({ status: 'mitigating', level: 1 })
    expect(await live()).toBe('releases/v2')
    expect((await json(['approvals'])).approvals.map((a: { id: string }) => a.id)).toEqual([approval.id])

    const before = await json(['incident', 'show', incident.id])
    const waits = before.timeline.find((e: { kind: string }) => e.kind === 'approval.requested')
    expect(waits.message).toContain(`recovery waits for approval ${approval.id}`)
    expect(waits.data).toMatchObject({ approval: approval.id, asked: { roles: ['security'] }, targetAt: approval.targetAt })
    // Waiting is not failing: nothing escalated, nobody told that a step failed.
    // Waiting is not failing: no level past the declaration's, no step failure told to anyone.
    const kinds = (t: { kind: string; data: { level?: number } }[], kind: string) => t.filter((e) => e.kind === kind)
    expect(kinds(before.timeline, 'escalation').map((e) => e.data.level)).toEqual([1])
    expect(before.recovery).toMatchObject({ level: 1, runbook: { outcome: 'waiting' }, recovered: { basis: null } })

    const approved = await remote('sue', ['approve', approval.id, '--reason', 'tampering confirmed by the SOC'])
    expect(approved.code, approved.stderr).toBe(0)
    const { report } = JSON.parse(approved.stdout)
    expect(report).toMatchObject({ status: 'succeeded', actor: ME })
    expect(await live()).toBe('releases/v1')
    expect((await remote('sue', ['approve', approval.id, '--reason', 'again'])).code).toBe(3)

    const after = await json(['incident', 'show', incident.id])
    const runs = after.timeline.filter((e: { kind: string; data: { run?: string } }) => e.kind === 'rollback.done' && e.data.run)
    expect(runs.map((e: { data: { run: string } }) => e.data.run)).toEqual([report.run])
    expect(after.recovery).toMatchObject({ level: 1, recovered: { basis: 'validation' } })
    expect(after.recovery.rollbacks.map((r: { run: string }) => r.run)).toEqual([report.run])
    expect((await sp.cli(['incident', 'show', incident.id])).stdout).toMatch(/time to recover [^(]+\(declaration → last app validated\)/)
  }, 25_000)

  it('general_emergency (flagged) rolls back at once and opens an emergency review; a waiting declaration says how to approve', async () => {
    await sp.deploy('staff', 'v2', { healthy: false })
    const declared = await remote('oli', [
      'incident',
      'declare',
      'general_emergency',
      '--scope',
      'staff',
      '--reason',
      'everything is on fire',
    ])
    expect(declared.code, declared.stderr).toBe(0)
    const { runbook } = JSON.parse(declared.stdout)
    expect(runbook.outcome).toBe('succeeded')
    expect(await live()).toBe('releases/v1')
    const run = runbook.steps[0].data.run
    const reviews = JSON.parse((await remote('sue', ['reviews'])).stdout).reviews
    expect(reviews).toMatchObject([{ kind: 'emergency', subject: run, actor: 'oli', apps: ['staff'] }])
    expect(runbook.steps[0].data.review).toBe(reviews[0].id)

    // data_breach_suspected is a security_incident too: asked of the security team, in words a person reads.
    const human = await sp.cli(['incident', 'declare', 'data_breach_suspected', '--scope', 'staff', '--reason', 'odd exports'])
    expect(human.code, human.stderr).toBe(3)
    const id = /approval (ap-\S+) requested: .*security_incident rollback/.exec(human.stdout)?.[1]
    expect(id, human.stdout).toBeDefined()
    expect(human.stdout).toContain(`lastgood approve ${id} --reason`)
  }, 25_000)
})
