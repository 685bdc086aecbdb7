import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliResult } from '../../src/demo/sample-platform.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { auditOf } from '../helpers/audit-of.js'
import { singleAppConfig } from '../helpers/configs.js'
import { ServeProcess } from '../server/serve-process.js'

// The user and token commands through `lastgood serve` with an admin's token: the same --json documents and exit
// codes as here, recorded under the token's user; any other token is refused (exit 3) and nothing is written; no
// password and no new token reaches the server's log or the audit trail.

const PASSWORD = { root: 'admin passphrase of the clinic', vic: 'reader passphrase of the clinic' }
const NEW_PASSWORD = { here: 'first new passphrase typed', there: 'second new passphrase sent' }
const CAROL_PASSWORD = { here: 'carol passphrase typed locally', there: 'carol passphrase over the api' }

let p: SamplePlatform
let server: ServeProcess & { url: string }
const tokens: Record<string, string> = {}

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  expect((await p.cli(['init'])).code).toBe(0)
  for (const [user, role] of [
    ['root', 'admin'],
    ['vic', 'viewer'],
  ] as const) {
    const added = await p.cli(['user', 'add', user, '--role', role, '--password-stdin'], { input: `${PASSWORD[user]}\n` })
    expect(added.code, added.stderr).toBe(0)
  }
  for (const [name, user, ceiling] of [
    ['root-cli', 'root', undefined],
    ['vic-cli', 'vic', undefined],
    ['root-read', 'root', 'viewer'],
  ] as const) {
    const created = await p.cli(['--json', 'token', 'create', name, '--user', user, ...(ceiling ? ['--role', ceiling] : [])])
    expect(created.code, created.stderr).toBe(0)
    tokens[name] = (JSON.parse(created.stdout) as { token: string }).token
  }
  server = await ServeProcess.start(p)
}, 60_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  await p?.destroy()
})

type Door = 'here' | 'there'

function run(door: Door, args: string[], input?: string, token = 'root-cli'): Promise<CliResult> {
  const opts = input === undefined ? {} : { input }
  if (door === 'here') return p.cli(['--json', ...args], opts)
  return p.cli(['--json', '--server', server.url, ...args], { ...opts, env: { LASTGOOD_TOKEN: tokens[token]! } })
}

/**
 * What differs between the two doors by nature: when, the ids and secrets made, who acted (the local actor
 * here, the token's user there), and the names each door's accounts were given.
 */
function masked(stdout: string): unknown {
  return JSON.parse(
    stdout
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/lgt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/g, '<token>')
      .replace(/"id": "[0-9a-f]{16}"/g, '"id": "<id>"')
      .replace(/"(createdBy|disabledBy|revokedBy)": "[^"]*"/g, '"$1": "<actor>"')
      .replace(/ by (demo|root)\b/g, ' by <actor>')
      .replace(/\b(carol|dan|ci)-(here|there)\b/g, '$1-<door>'),
  )
}

/** Users, tokens and audit events: what a refused command must leave as it was. */
async function stateOf(): Promise<string> {
  const platform = await withEnv(p.env, () => openPlatform(p.configFile))
  try {
    const users = await platform.state.db.selectFrom('users').selectAll().execute()
    // Last use moves with every request a token makes; it is not what a refusal could have written.
    const rows = await platform.state.db.selectFrom('tokens').selectAll().execute()
    const tokenRows = rows.map(({ last_used_at: _lastUse, ...rest }) => rest)
    return JSON.stringify({ users, tokens: tokenRows, audit: (await auditOf(p)).length })
  } finally {
    await platform.close()
  }
}

/** Each door's life of an account and its token, with the mistakes an admin makes on the way. */
function lifeCycle(door: Door): [string[], string?][] {
  const carol = `carol-${door}`
  return [
    [['user', 'add', carol, '--role', 'operator', '--password-stdin'], CAROL_PASSWORD[door]],
    [['user', 'add', carol, '--role', 'viewer', '--password-stdin'], CAROL_PASSWORD[door]],
    [['user', 'add', `dan-${door}`, '--role', 'nurse', '--password-stdin'], CAROL_PASSWORD[door]],
    [['token', 'create', `ci-${door}`, '--user', carol, '--expires', '30d', '--role', 'viewer']],
    [['token', 'create', `ci-${door}`, '--user', carol]],
    [['token', 'list', '--user', carol]],
    [['token', 'revoke', `ci-${door}`, '--reason', 'rotated']],
    [['token', 'revoke', `ci-${door}`, '--reason', 'again']],
    [['user', 'passwd', carol, '--password-stdin'], NEW_PASSWORD[door]],
    [['user', 'disable', carol, '--reason', 'left the clinic']],
    [['user', 'disable', carol, '--reason', 'again']],
  ]
}

const created: string[] = []

describe('user and token commands through --server', () => {
  it("an admin's token: the same documents and exit codes as here, recorded under the token's user", async () => {
    const outcomes: Record<Door, { args: string; code: number; doc: unknown }[]> = { here: [], there: [] }
    for (const door of ['here', 'there'] as const) {
      for (const [args, input] of lifeCycle(door)) {
        const r = await run(door, args, input)
        outcomes[door].push({ args: args.join(' ').replaceAll(door, '<door>'), code: r.code, doc: masked(r.stdout) })
        if (args[1] === 'create' && r.code === 0) created.push((JSON.parse(r.stdout) as { token: string }).token)
      }
    }
    expect(outcomes.there).toEqual(outcomes.here)
    // Not the same outcome for everything: the life cycle succeeds where it should and fails where it should.
    expect(outcomes.here.map((o) => o.code)).toEqual([0, 2, 2, 0, 2, 0, 0, 2, 0, 0, 2])
    expect(created).toHaveLength(2)

    // Both doors read the same accounts and tokens the same way, --json and for people.
    for (const args of [
      ['user', 'list'],
      ['token', 'list'],
      ['--json', 'user', 'list'],
      ['--json', 'token', 'list'],
    ]) {
      const here = await p.cli(args)
      const there = await p.cli(['--server', server.url, ...args], { env: { LASTGOOD_TOKEN: tokens['root-cli']! } })
      expect(there.code, args.join(' ')).toBe(here.code)
      const times = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      expect(times(there.stdout), args.join(' ')).toBe(times(here.stdout))
    }
    const users = JSON.parse((await run('there', ['user', 'list'])).stdout) as { users: { name: string; createdBy: string }[] }
    expect(users.users.find((u) => u.name === 'carol-there')).toMatchObject({ createdBy: 'root', disabledBy: 'root' })
    expect(users.users.find((u) => u.name === 'carol-here')).toMatchObject({ createdBy: 'demo', disabledBy: 'demo' })

    // A token made through the server is printed once, as here: the token alone on stdout, the rest on stderr.
    const human = await p.cli(['--server', server.url, 'token', 'create', 'ci-human', '--user', 'vic'], {
      env: { LASTGOOD_TOKEN: tokens['root-cli']! },
    })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^lgt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/)
    expect(human.stderr).toMatch(/^token ci-human acts as vic until \S+; it is shown this once: store it now\n$/)
    created.push(human.stdout.trim())

    const events = (await auditOf(p)).filter((e) => /^(user|token)\./.test(e.action) && /-(there|human)$/.test(e.target))
    expect(events.map((e) => `${e.action} ${e.target}`)).toEqual([
      'user.add carol-there',
      'token.create ci-there',
      'token.revoke ci-there',
      'user.passwd carol-there',
      'user.disable carol-there',
      'token.create ci-human',
    ])
    for (const e of events) {
      expect(e.actor).toBe('root')
      expect(e.details).toMatchObject({ auth: { method: 'token', subject: 'root', token: 'root-cli' } })
      expect(e.details).not.toHaveProperty('via')
    }
  })

  it('a token without admin is refused every command (exit 3) and nothing is written', async () => {
    const before = await stateOf()
    const commands: [string[], string?][] = [
      [['user', 'add', 'eve', '--role', 'admin', '--password-stdin'], 'a takeover passphrase of hers'],
      [['user', 'disable', 'root', '--reason', 'takeover']],
      [['user', 'passwd', 'root', '--password-stdin'], 'a password the intruder knows'],
      [['user', 'list']],
      [['token', 'create', 'eve-ci', '--user', 'root']],
      [['token', 'list']],
      [['token', 'revoke', 'root-cli', '--reason', 'takeover']],
    ]
    // vic's role lacks admin; root's token capped at viewer lacks it although root holds it.
    const refusals = [
      ...commands.map(([args, input]) => ({ token: 'vic-cli', subject: 'vic', args, input })),
      ...commands.slice(0, 3).map(([args, input]) => ({ token: 'root-read', subject: 'root', args, input })),
    ]
    for (const { token, subject, args, input } of refusals) {
      const r = await run('there', args, input, token)
      expect(r.code, `${token} ${args.join(' ')}`).toBe(3)
      expect(JSON.parse(r.stdout), `${token} ${args.join(' ')}`).toEqual({
        error: { code: 'forbidden', message: `${subject} lacks the permission "admin"`, path: null },
      })
    }
    expect(await stateOf()).toBe(before)
  })

  it('no password and no token made reaches the server’s log or the audit trail', async () => {
    // The server logged the requests that carried them: the check below looks where they would be.
    const logged = server.logs().map((l) => JSON.stringify(l))
    expect(logged.some((l) => l.includes('POST') && l.includes('/api/v1/users'))).toBe(true)
    expect(logged.some((l) => l.includes('/api/v1/users/carol-there/password'))).toBe(true)
    expect(created.length).toBeGreaterThanOrEqual(3)
    const secrets = [
      ...Object.values(PASSWORD),
      ...Object.values(NEW_PASSWORD),
      ...Object.values(CAROL_PASSWORD),
      ...Object.values(tokens),
      ...created,
    ]
    const audit = [(await run('here', ['audit', 'log'])).stdout, (await run('there', ['audit', 'log'])).stdout]
    expect(JSON.parse(audit[0]!).events.length).toBeGreaterThan(10)
    for (const s of secrets) {
      expect(server.stdout + server.stderr).not.toContain(s)
      for (const a of audit) expect(a).not.toContain(s)
    }
  })
})
