import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { listActionItems } from '../../src/recovery/action-items.js'
import { tellOverdueActionItems } from '../../src/recovery/overdue-action-items.js'
import { auditOf } from '../helpers/audit-of.js'
import { singleAppConfig } from '../helpers/configs.js'
import { peopleWithTokens } from '../helpers/people.js'
import { HttpReceiver, signedWebhookRoute } from '../helpers/receivers.js'
import { ServeProcess } from '../server/serve-process.js'

// Post-mortem action items, tracked: added, listed, done, in the post-mortem; overdue ones in `status` and told
// once to the incident's audience, whichever of `serve` and `monitor --once` notices first.

const SECRET = 'action-items-secret-0123456789'
const DAY = 86_400_000

let p: SamplePlatform
let receiver: HttpReceiver
let server: ServeProcess & { url: string }
let token = ''
let incident = ''

beforeAll(async () => {
  receiver = await HttpReceiver.start()
  receiver.route('/it-team', signedWebhookRoute(SECRET))
  const extra = `notifications:
  channels:
    it-team: { type: webhook, url: "${receiver.url('/it-team')}", secret: "${SECRET}" }
  incidents: [it-team]
  timeout: 1s
  retry: { attempts: 2, backoff: 100ms }
  status_updates: 0s
escalation:
  levels:
    - { after: 0s, notify: [it-team], actions: [IT team notification] }
runbooks:
  general_emergency: []
`
  p = await SamplePlatform.create({ configText: singleAppConfig({ extra }) })
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  const [declared, tokens] = await Promise.all([
    p.cli(['--json', 'incident', 'declare', 'general_emergency', '--scope', 'staff', '--reason', 'check-in lost data']),
    peopleWithTokens(p, [['ann', 'operator']]),
  ])
  expect(declared.code, declared.stderr).toBe(0)
  incident = JSON.parse(declared.stdout).incident.id as string
  token = tokens.ann!
  server = await ServeProcess.start(p)
}, 30_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  await p?.destroy()
  await receiver?.close()
})

const json = async (args: string[]) => {
  const r = await p.cli(['--json', ...args])
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
  return JSON.parse(r.stdout)
}

function rows(table: string): number {
  const db = new Database(join(p.dir, '.lastgood/state.db'), { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}

const overdueMessages = () =>
  receiver
    .requests('/it-team')
    .map((r) => JSON.parse(r.body.toString()) as { kind: string; text: string })
    .filter((m) => m.kind === 'action_item_overdue')

describe('incident action items', () => {
  it('add, list, done: on the timeline, in the audit trail and in the post-mortem', async () => {
    const day = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10)
    const a = (await json(['incident', 'action', 'add', incident, '--owner', 'alice', '--due', '7d', 'Add', 'a', 'data-entry', 'journey']))
      .item
    expect(a).toMatchObject({ incident, owner: 'alice', text: 'Add a data-entry journey', status: 'open', createdBy: 'demo', doneAt: null })
    expect(Math.abs(Date.parse(a.dueAt) - (Date.now() + 7 * DAY))).toBeLessThan(60_000)
    // A date is due by the end of that day; the root cause analysis lastgood suggests is tracked once taken up.
    const rootCause = `Complete the root cause analysis of ${incident} and record it in this post-mortem`
    const b = (await json(['incident', 'action', 'add', incident, '--owner', 'bob', '--due', day, rootCause])).item
    expect(b.dueAt).toBe(`${day}T23:59:59.999Z`)

    const human = await p.cli(['incident', 'action', 'list'])
    expect(human.stdout).toMatch(new RegExp(`${a.id} +${incident} +alice .* open +Add a data-entry journey`))
    expect((await json(['incident', 'action', 'list', incident])).items.map((i: { id: string }) => i.id)).toEqual([a.id, b.id])

    const done = await p.cli(['incident', 'action', 'done', b.id, '--note', 'written up in the wiki'])
    expect(done.code, done.stderr).toBe(0)
    expect(done.stdout).toContain(`action item ${b.id} done at `)
    expect((await json(['incident', 'action', 'list'])).items.map((i: { id: string }) => i.id)).toEqual([a.id])
    const all = (await json(['incident', 'action', 'list', '--all'])).items
    expect(all.find((i: { id: string }) => i.id === b.id)).toMatchObject({ status: 'done', doneBy: 'demo', note: 'written up in the wiki' })

    const [{ timeline }, events, { postmortem }, md] = await Promise.all([
      json(['incident', 'show', incident]),
      auditOf(p),
      json(['incident', 'postmortem', incident]),
      p.cli(['incident', 'postmortem', incident]).then((r) => r.stdout),
    ])
    expect(
      timeline
        .filter((e: { kind: string }) => e.kind.startsWith('action.'))
        .map((e: { kind: string; data: { item: string } }) => [e.kind, e.data.item]),
    ).toEqual([
      ['action.added', a.id],
      ['action.added', b.id],
      ['action.done', b.id],
    ])
    const audited = events.filter((e) => e.action.startsWith('incident.action.'))
    expect(audited.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['incident.action.added', 'demo', incident],
      ['incident.action.added', 'demo', incident],
      ['incident.action.done', 'demo', incident],
    ])

    // Tracked items first, as they stand; the suggestions after them, the one taken up not repeated.
    expect(postmortem.actionItems.slice(0, 2)).toEqual([
      { action: 'Add a data-entry journey', id: a.id, owner: 'alice', due: a.dueAt, status: 'open', doneAt: null },
      expect.objectContaining({ action: rootCause, id: b.id, owner: 'bob', status: 'done' }),
    ])
    expect(postmortem.actionItems.filter((x: { action: string }) => x.action === rootCause)).toHaveLength(1)
    expect(postmortem.timeline.some((t: { action: string }) => t.action.startsWith('action.'))).toBe(false)
    expect(md).toContain(`- [ ] Add a data-entry journey - Owner: alice - Due: ${a.dueAt} (${a.id}, open)`)
    expect(md).toMatch(new RegExp(`- \\[x\\] ${rootCause} - Owner: bob - Due: ${day}T23:59:59.999Z \\(${b.id}, done `))
  })

  it('bad input: exit 2 naming the fix, nothing written', async () => {
    const before = { items: rows('action_items'), audit: rows('audit_events') }
    const cases: [string[], RegExp][] = [
      [
        ['incident', 'action', 'add', 'inc-nope', '--owner', 'al', '--due', '7d', 'x'],
        /no incident "inc-nope"; `lastgood incident list` shows them/,
      ],
      [['incident', 'action', 'add', incident, '--due', '7d', 'x'], /needs an --owner/],
      [['incident', 'action', 'add', incident, '--owner', 'al', 'x'], /needs --due/],
      [
        ['incident', 'action', 'add', incident, '--owner', 'al', '--due', 'tomorrow', 'x'],
        /due: expected a date such as .*, got "tomorrow"/,
      ],
      [
        ['incident', 'action', 'add', incident, '--owner', 'al', '--due', '2020-01-01', 'x'],
        /due: expected a due time in the future, got "2020-01-01"/,
      ],
      [['incident', 'action', 'add', incident, '--owner', 'al', '--due', '7d', ' '], /needs some text/],
      [['incident', 'action', 'done', 'act-nope'], /no action item "act-nope"/],
      [['incident', 'action', 'list', 'inc-nope'], /no incident "inc-nope"/],
      [['incident', 'action', 'list', '--all', '--overdue'], /--all and --overdue .*: give one/],
    ]
    const results = await Promise.all(cases.map(([args]) => p.cli(args)))
    cases.forEach(([args, message], i) => {
      expect(results[i]!.code, args.join(' ')).toBe(2)
      expect(results[i]!.stderr, args.join(' ')).toMatch(message)
    })
    const [done] = (await json(['incident', 'action', 'list', '--all'])).items.filter((i: { status: string }) => i.status === 'done')
    const again = await p.cli(['incident', 'action', 'done', done.id])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain(`action item ${done.id} was already done by demo at ${done.doneAt}`)
    expect({ items: rows('action_items'), audit: rows('audit_events') }).toEqual(before)
  })

  it('an overdue item shows in status and is told once to the incident’s audience, whoever notices', async () => {
    const late = (await json(['incident', 'action', 'add', incident, '--owner', 'carol', '--due', '1s', 'Rotate', 'the', 'kiosk', 'token']))
      .item
    await new Promise((r) => setTimeout(r, 1200))

    const status = await json(['status'])
    expect(status.overdueActionItems).toMatchObject({ count: 1, oldest: { id: late.id, owner: 'carol', status: 'overdue' } })
    const human = (await p.cli(['status'])).stdout
    expect(human).toContain(`1 post-mortem action item is overdue; the oldest: ${late.id} of ${incident}, carol`)
    expect((await json(['incident', 'action', 'list', '--overdue'])).items.map((i: { id: string }) => i.id)).toEqual([late.id])

    // serve ticks every second; a one-round monitor ticks too: between them, one message.
    const monitor = await p.cli(['monitor', '--once'])
    expect(monitor.code, monitor.stderr).toBe(0)
    for (let i = 0; i < 50 && overdueMessages().length === 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect((await p.cli(['monitor', '--once'])).code).toBe(0)
    await new Promise((r) => setTimeout(r, 1500))
    const told = overdueMessages()
    expect(told).toHaveLength(1)
    expect(told[0]!.text).toMatch(
      new RegExp(
        `^ACTION ITEM OVERDUE - test\\n\\nIncident: ${incident} \\(general_emergency\\)\\nIssue: check-in lost data\\nAction Item: Rotate the kiosk token \\(${late.id}\\)\\nOwner: carol\\nDue: ${late.dueAt} \\(\\d+s ago\\)\\n\\nMark done: lastgood incident action done ${late.id} --note "what was done"$`,
      ),
    )
    const { timeline } = await json(['incident', 'show', incident])
    expect(timeline.filter((e: { kind: string }) => e.kind === 'action.overdue')).toHaveLength(1)
    expect((await p.cli(['incident', 'postmortem', incident])).stdout).toContain(`(${late.id}, OVERDUE)`)

    expect((await p.cli(['incident', 'action', 'done', late.id])).stdout).toContain(`(it was due ${late.dueAt})`)
    expect((await json(['status'])).overdueActionItems).toEqual({ count: 0, oldest: null })
  })

  it('with the clock moved past a due time: each item told once, however often it is ticked', async () => {
    const platform = await withEnv(p.env, () => openPlatform(p.configFile))
    try {
      const open = await listActionItems(platform.state.db)
      expect(open).toHaveLength(1)
      const dueAt = Date.parse(open[0]!.dueAt)
      expect(await tellOverdueActionItems(platform, { actor: 'clock', now: dueAt })).toBe(0)
      expect(await tellOverdueActionItems(platform, { actor: 'clock', now: dueAt + 1 })).toBe(1)
      expect(await tellOverdueActionItems(platform, { actor: 'clock', now: dueAt + DAY })).toBe(0)
      const queued = await platform.state.db.selectFrom('notifications').select('kind').where('kind', '=', 'action_item_overdue').execute()
      expect(queued).toHaveLength(2)
    } finally {
      await platform.close()
    }
  })

  it('through --server: the same list documents and errors; an item added there is the token user’s', async () => {
    const remote = (args: string[]) => p.cli(['--json', '--server', server.url, ...args], { env: { LASTGOOD_TOKEN: token } })
    const added = await remote(['incident', 'action', 'add', incident, '--owner', 'dave', '--due', '2d', 'Check', 'the', 'backups'])
    expect(added.code, added.stderr).toBe(0)
    expect(JSON.parse(added.stdout).item).toMatchObject({ createdBy: 'ann', owner: 'dave', status: 'open' })
    for (const args of [
      ['incident', 'action', 'list', '--all'],
      ['incident', 'action', 'list', incident],
      ['incident', 'action', 'list', 'inc-nope'],
    ]) {
      const here = await p.cli(['--json', ...args])
      const there = await remote(args)
      expect(there.code, args.join(' ')).toBe(here.code)
      // Overdue is computed when read; nothing here is near its due time, so the documents are equal.
      expect(JSON.parse(there.stdout), args.join(' ')).toEqual(JSON.parse(here.stdout))
    }
    const bad = await remote(['incident', 'action', 'add', incident, '--owner', 'dave', '--due', 'soon', 'x'])
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      path: 'due',
      message: expect.stringMatching(/^due: expected a date .*, got "soon"$/),
    })
  })
})
