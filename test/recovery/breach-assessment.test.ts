import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { approvalConfig, HOOK_SECRET } from '../../src/demo/approval-config.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import { requireIncident } from '../../src/recovery/incident-store.js'
import { RecoveryScheduler } from '../../src/recovery/recovery-scheduler.js'
import { loadTimeline } from '../../src/recovery/timeline.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'

/**
 * A suspected breach on a clinic-like platform (the seeds' decision matrix: its rollback waits for the
 * security team): the runbook starts the breach-assessment clock (HIPAA 164.404: 60 days from discovery),
 * tells the compliance channel, and the deadline shows in `incident show`, the post-mortem and the
 * compliance report. A scheduler on a moved clock reminds once per threshold (30, 14, 7, 1 days before and
 * at the deadline), to the compliance channel alone until the last week, then to everyone told, raising an
 * open incident one level; a recorded outcome stops the reminders.
 */

const DAY = 86_400_000
let sp: SamplePlatform
let receiver: HttpReceiver
let p: Platform | undefined

const LEVELS = `escalation:
  levels:
    - after: 0s
    - after: 15m
      notify: [leads]
    - after: 365d
      notify: [leads]
      actions: [Compliance officer and management decide on notification]
`
const RUNBOOK = `runbooks:
  data_breach_suspected:
    - step: breach_assessment
      notify: [compliance]
    - step: notify
      channels: [soc]
    - step: rollback
`

beforeAll(async () => {
  receiver = await HttpReceiver.start()
  receiver.otherwise(signedWebhookRoute(HOOK_SECRET))
  const base = approvalConfig(receiver.url('')).replace(
    '  incidents: [ops]',
    `    compliance: { type: webhook, url: "${receiver.url('')}/compliance", secret: ${HOOK_SECRET} }\n  incidents: [ops]`,
  )
  sp = await SamplePlatform.create({ configText: `${base}${LEVELS}${RUNBOOK}` })
  await sp.deploy('staff', 'v1')
  await sp.deploy('inventory', 'v1')
  await sp.start(['staff', 'inventory'])
  expect((await sp.cli(['init'])).code).toBe(0)
  expect((await sp.cli(['snapshot', 'create', 'staff', 'inventory'])).code).toBe(0)
}, 30_000)

afterAll(async () => {
  await p?.close()
  await sp?.destroy()
  await receiver?.close()
})

const cli = async (args: string[], code = 0) => {
  const r = await sp.cli(args)
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code)
  return r
}
const open = async () => (p ??= await openPlatform(sp.configFile, { env: sp.platformEnv() }))
const reminders = async (id: string) =>
  (await open()).state.db
    .selectFrom('notifications')
    .select(['channel', 'message'])
    .where('incident_id', '=', id)
    .where('kind', '=', 'breach_assessment_due')
    .orderBy('seq')
    .execute()

describe('a suspected breach: the assessment deadline', () => {
  it('is recorded from discovery, told to compliance, shown everywhere, reminded once per threshold after resolve', async () => {
    const discovered = new Date(Date.now() - 2 * DAY).toISOString()
    const declared = await cli(
      ['--json', 'incident', 'declare', 'data_breach_suspected', '--scope', 'staff', '--reason', 'odd exports', '--discovered', discovered],
      3, // the rollback waits for the security team, as the decision matrix wants
    )
    const doc = JSON.parse(declared.stdout)
    const id = doc.incident.id as string
    const due = new Date(Date.parse(discovered) + 60 * DAY).toISOString()
    expect(doc.runbook.steps.map((s: { name: string; outcome: string }) => `${s.name} ${s.outcome}`)).toEqual([
      'breach_assessment succeeded',
      'notify succeeded',
      'rollback waiting',
    ])
    expect(doc.runbook.steps[0].detail).toBe(`breach assessment due ${due}; told compliance (queued)`)

    const told = await reminders(id)
    expect(told.map((m) => m.channel).sort()).toEqual(['compliance', 'ops'])
    const text = JSON.parse(told.find((m) => m.channel === 'compliance')!.message).text as string
    expect(text).toMatch(
      new RegExp(`^BREACH ASSESSMENT DUE - test\\n[\\s\\S]*Discovered: ${discovered}\\nAssessment Due: ${due} \\((58d|57d23h59m) left\\)`),
    )
    expect(text).toContain(`Record the outcome: lastgood incident assess ${id} --outcome notified|not-a-breach --reason R`)

    const shown = (await cli(['incident', 'show', id])).stdout
    expect(shown).toMatch(new RegExp(`breach deadline: +OPEN, due ${due} \\(discovered ${discovered}\\): (58d|57d23h59m) left`))
    expect(shown).toMatch(/breach\.deadline/)
    const pm = (await cli(['incident', 'postmortem', id])).stdout
    expect(pm).toContain(`## Breach Assessment\nNotification of the individuals affected (HIPAA 164.404): OPEN, due ${due}`)
    expect(pm).toContain(
      `- [ ] Complete the breach assessment of ${id} and record it (lastgood incident assess) - Owner: [Name] - Due: ${due.slice(0, 10)}`,
    )
    const report = (await cli(['report', 'compliance'])).stdout
    expect(report).toMatch(new RegExp(`BREACH ASSESSMENTS \\(HIPAA 164.404\\)[\\s\\S]*${id} +OPEN, due ${due}`))
    expect(JSON.parse((await cli(['--json', 'report', 'compliance'])).stdout).breachAssessments).toEqual([
      expect.objectContaining({ incident: id, discoveredAt: discovered, dueAt: due, outcome: null }),
    ])

    // Systems are back long before the assessment is done: resolving the incident does not stop the clock.
    await cli(['incident', 'resolve', id, '--summary', 'exports blocked; assessment under way'])
    const at = Date.parse(due)
    const scheduler = new RecoveryScheduler(await open(), { actor: 'sched' })
    const tick = async (t: number) => (await scheduler.tick(t)).breachReminders
    expect(await tick(at - 30 * DAY - 1)).toBe(0)
    expect(await tick(at - 30 * DAY)).toBe(1)
    expect(await tick(at - 30 * DAY + 1_000)).toBe(0)
    expect(await tick(at - 14 * DAY)).toBe(1)
    expect((await reminders(id)).slice(2).map((m) => m.channel)).toEqual(['compliance', 'compliance'])
    // The last week: everyone told about the incident hears it too.
    expect(await tick(at - 7 * DAY)).toBe(1)
    expect(
      (await reminders(id))
        .slice(4)
        .map((m) => m.channel)
        .sort(),
    ).toEqual(['compliance', 'ops', 'soc'])
    // A restart neither repeats a reminder nor loses one.
    await p!.close()
    p = undefined
    const again = new RecoveryScheduler(await open(), { actor: 'sched' })
    expect((await again.tick(at - 7 * DAY + 1_000)).breachReminders).toBe(0)
    expect((await again.tick(at - DAY)).breachReminders).toBe(1)
    expect((await again.tick(at)).breachReminders).toBe(1)
    expect((await again.tick(at + DAY)).breachReminders).toBe(0)
    const last = JSON.parse((await reminders(id)).at(-1)!.message).text as string
    expect(last).toContain(`Assessment Due: ${due} (0s left)`)
    const entries = (await loadTimeline(p!.state.db, id)).filter((e) => e.kind === 'breach.reminder')
    expect(entries.map((e) => e.data.reminder)).toEqual([1, 2, 3, 4, 5])
    expect(entries.map((e) => e.data.escalated)).toEqual([false, false, true, false, false])
    // Resolved: the escalation widened the audience of the reminder but raised no level.
    expect((await requireIncident(p!.state.db, id)).level).toBe(1)
    expect(await again.tick(at + 2 * DAY)).toMatchObject({ breachReminders: 0 })
  }, 40_000)

  it('raises an open incident one level in the last week; a recorded outcome stops the reminders', async () => {
    const declared = await cli(
      ['--json', 'incident', 'declare', 'data_breach_suspected', '--scope', 'inventory', '--reason', 'laptop stolen'],
      3,
    )
    const id = JSON.parse(declared.stdout).incident.id as string
    const incident = await requireIncident((await open()).state.db, id)
    const at = Date.parse(incident.openedAt) + 60 * DAY
    const scheduler = new RecoveryScheduler(await open(), { actor: 'sched' })
    // Down through the first three thresholds: one reminder, for the latest, not one per threshold missed.
    expect(await scheduler.tick(at - 7 * DAY)).toMatchObject({ escalations: 1, breachReminders: 1 })
    const now = await requireIncident(p!.state.db, id)
    expect(now.level).toBe(3)
    const raised = (await loadTimeline(p!.state.db, id)).filter((e) => e.kind === 'escalation').at(-1)!
    expect(raised.message).toMatch(/^level 3: breach assessment due \S+ \(7d left\) has no outcome recorded$/)

    const bad: Array<[string[], RegExp]> = [
      [['incident', 'assess', id, '--outcome', 'maybe', '--reason', 'x'], /--outcome notified or not-a-breach/],
      [['incident', 'assess', id, '--outcome', 'notified'], /needs --reason/],
      [
        ['incident', 'declare', 'security_incident', '--scope', 'staff', '--reason', 'x', '--discovered', '1d'],
        /--discovered is for a runbook with a breach_assessment step .* the security_incident runbook has none/,
      ],
      [
        ['incident', 'declare', 'data_breach_suspected', '--scope', 'staff', '--reason', 'x', '--discovered', '2099-01-01T00:00:00Z'],
        /--discovered 2099-01-01T00:00:00.000Z is in the future/,
      ],
    ]
    for (const [args, message] of bad) expect((await cli(args, 2)).stderr).toMatch(message)

    await cli(['incident', 'assess', id, '--outcome', 'not-a-breach', '--reason', 'disk encrypted; risk assessment: low probability'])
    expect((await cli(['incident', 'assess', id, '--outcome', 'notified', '--reason', 'x'], 2)).stderr).toMatch(
      /already recorded as not-a-breach by /,
    )
    expect(await scheduler.tick(at - DAY)).toMatchObject({ breachReminders: 0 })
    expect(await scheduler.tick(at + DAY)).toMatchObject({ breachReminders: 0 })
    expect((await cli(['incident', 'show', id])).stdout).toMatch(
      /breach deadline: +not-a-breach \(disk encrypted; risk assessment: low probability\), recorded by \S+ at \S+; was due/,
    )
    expect((await cli(['incident', 'postmortem', id])).stdout).not.toContain('Complete the breach assessment')
  }, 40_000)
})
