import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { auditOf } from '../helpers/audit-of.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'
import { ServeProcess } from '../server/serve-process.js'

const SECRET = 'schedule-hook-secret-0123'

let p: SamplePlatform
let hook: HttpReceiver
let server: (ServeProcess & { url: string }) | undefined

// Two schedules every 2 seconds (six-field cron): a verify that succeeds, and a snapshot of `ghost`, whose
// release directory does not exist, that fails.
const config = (hookUrl: string) => `version: 1
platform: test
apps:
  staff:
    priority: 1
    components:
      release: { provider: local-release, path: ./apps/staff }
  ghost:
    priority: 2
    components:
      release: { provider: local-release, path: ./apps/ghost }
notifications:
  channels:
    hook: { type: webhook, url: "${hookUrl}", secret: ${SECRET} }
  retry: { backoff: 100ms }
schedules:
  verify-often: { cron: "*/2 * * * * *", run: snapshot-verify }
  broken: { cron: "*/2 * * * * *", run: snapshot-create, apps: [ghost], notify: [hook] }
`

beforeAll(async () => {
  hook = await HttpReceiver.start()
  hook.route('/hook', signedWebhookRoute(SECRET))
  p = await SamplePlatform.create({ configText: config(hook.url('/hook')) })
  await p.deploy('staff', 'v1')
  expect((await p.cli(['init'])).code).toBe(0)
  expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  server = await ServeProcess.start(p)
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await hook?.close()
  await p?.destroy()
})

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const got = await probe()
    if (got !== undefined) return got
    if (Date.now() > deadline) throw new Error(`${what} not seen in ${ms} ms\n${server?.stderr ?? ''}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('schedules run by lastgood serve', () => {
  it('runs each schedule on time; a failed run shows in /metrics, status, the audit trail and a signed notification', async () => {
    expect(server!.stdout).toContain('schedules broken, verify-often')
    const metrics = await until('both schedules run', async () => {
      const text = await (await fetch(`${server!.url}/metrics`)).text()
      return /^lastgood_schedule_last_run_success\{schedule="broken",job="snapshot-create"\} 0$/m.test(text) &&
        /^lastgood_schedule_last_run_success\{schedule="verify-often",job="snapshot-verify"\} 1$/m.test(text)
        ? text
        : undefined
    })
    expect(metrics).toMatch(/^lastgood_schedule_last_run_timestamp_seconds\{schedule="broken",job="snapshot-create"\} \d+(\.\d+)?$/m)
    expect(metrics).toMatch(/^lastgood_schedule_next_run_timestamp_seconds\{schedule="verify-often",job="snapshot-verify"\} \d+$/m)
    expect(metrics).toMatch(/^lastgood_schedule_missed_runs\{schedule="broken",job="snapshot-create"\} 0$/m)
    expect(metrics).toMatch(/^lastgood_schedule_overdue\{schedule="broken",job="snapshot-create"\} 0$/m)

    const status = JSON.parse((await p.cli(['--json', 'status'])).stdout)
    const broken = status.schedules.find((s: { name: string }) => s.name === 'broken')
    expect(broken).toMatchObject({
      job: 'snapshot-create',
      lastRun: { outcome: 'failed' },
      problem: expect.stringContaining('last run failed'),
    })
    expect(broken.problem).toContain('ghost')
    expect(status.schedules.find((s: { name: string }) => s.name === 'verify-often')).toMatchObject({
      lastRun: { outcome: 'succeeded' },
      problem: null,
    })
    const text = (await p.cli(['status'])).stdout
    expect(text).toMatch(/broken\s+snapshot-create\s+\*\/2 \* \* \* \* \* \(UTC\)/)
    expect(text).toContain('last run failed')

    const runs = (await auditOf(p)).filter((e) => e.action === 'schedule.run')
    expect(runs).toContainEqual(expect.objectContaining({ actor: 'lastgood-scheduler', target: 'verify-often', outcome: 'success' }))
    expect(runs).toContainEqual(expect.objectContaining({ actor: 'lastgood-scheduler', target: 'broken', outcome: 'failure' }))

    // Delivered by serve's outbox to the schedule's own channel, signed as every webhook is.
    const delivered = await until('the failure message', async () => hook.requests('/hook').find((r) => r.verdict === 'accepted'))
    const message = JSON.parse(delivered.body.toString('utf8'))
    expect(JSON.stringify(message)).toContain('schedule_failed')
    expect(JSON.stringify(message)).toContain('SCHEDULED RUN FAILED - test')
    expect(JSON.stringify(message)).toContain('Schedule: broken (snapshot-create)')
  })

  it('stopping serve between runs leaves nothing running; a restart after downtime records the missed times and catches up', async () => {
    expect(await server!.stop('SIGTERM')).toMatchObject({ code: 0 })
    await new Promise((r) => setTimeout(r, 4_500))
    server = await ServeProcess.start(p)
    const missed = await until('the missed times', async () => {
      const events = (await auditOf(p)).filter((e) => e.action === 'schedule.missed' && e.target === 'verify-often')
      return events.length > 0 ? events : undefined
    })
    expect(missed[0]!.details).toMatchObject({ job: 'snapshot-verify', result: 'missed' })
    expect(Number(missed[0]!.details.occurrences)).toBeGreaterThanOrEqual(1)
    const status = JSON.parse((await p.cli(['--json', 'status'])).stdout)
    expect(status.schedules.find((s: { name: string }) => s.name === 'verify-often').missedTotal).toBeGreaterThanOrEqual(1)
    const runs = (await auditOf(p)).filter((e) => e.action === 'schedule.run')
    expect(runs.filter((e) => e.outcome === 'failure' && String(e.reason).startsWith('interrupted'))).toEqual([])
  })
})
