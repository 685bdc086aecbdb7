import { spawn } from 'node:child_process'
import { userInfo } from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { listAudit } from '../../src/audit/audit-log.js'
import { openState, type State } from '../../src/state/open-state.js'
import { MINIMAL, writeConfig } from '../config/temp-config.js'
import { assertPostgresReachable, engines, type StateFixture } from '../helpers/state-engines.js'
import { secretOf } from './token-secret.js'

beforeAll(assertPostgresReachable)

const BIN = path.resolve(import.meta.dirname, '../../bin/lastgood.cjs')
/** The OS user is the actor the audit trail must show. */
const { LASTGOOD_ACTOR: _actor, ...withoutActor } = process.env

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** The built CLI with `input` on stdin (a pipe, never a terminal). */
function cli(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: withoutActor })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(input)
  })
}

const ADMIN_PASSWORD = 'admin passphrase of the clinic'
const BOB_PASSWORD = 'the second long passphrase'
const BOB_NEW = 'a third and newer passphrase'

for (const engine of engines) {
  describe(`user and token commands on ${engine.name}`, () => {
    let fixture: StateFixture | undefined
    afterEach(async () => {
      await fixture?.cleanup()
      fixture = undefined
    })

    async function platform(extra = ''): Promise<{ lg: (args: string[], input?: string) => Promise<Run>; open: () => Promise<State> }> {
      fixture = await engine.fixture()
      const file = await writeConfig(`${MINIMAL}${fixture.configBlock}${extra}`)
      const lg = (args: string[], input?: string) => cli(['--config', file, ...args], input)
      expect((await lg(['init'])).code).toBe(0)
      const settings = fixture.settings.database ? fixture.settings : { stateDir: path.join(path.dirname(file), '.lastgood') }
      return { lg, open: () => openState(settings) }
    }

    /** Users, tokens and audit events: what a refused command must leave as it was. */
    async function snapshotOf(open: () => Promise<State>): Promise<string> {
      const state = await open()
      try {
        const users = await state.db.selectFrom('users').selectAll().execute()
        const tokens = await state.db.selectFrom('tokens').selectAll().execute()
        return JSON.stringify({ users, tokens, audit: (await listAudit(state.db)).length })
      } finally {
        await state.close()
      }
    }

    it('adds, lists, re-passwords and disables users; creates, lists and revokes tokens; bad input exits 2 and changes nothing', async () => {
      const { lg, open } = await platform()
      const outputs: string[] = []
      const run = async (args: string[], input?: string) => {
        const r = await lg(args, input)
        outputs.push(r.stdout, r.stderr)
        return r
      }
      expect((await run(['user', 'list'])).stdout).toContain('no users yet')
      expect((await run(['user', 'add', 'alice', '--role', 'admin', '--password-stdin'], `${ADMIN_PASSWORD}\n`)).code).toBe(0)
      expect((await run(['user', 'add', 'bob', '--role', 'operator', '--password-stdin'], BOB_PASSWORD)).code).toBe(0)

      const before = await snapshotOf(open)
      const refused: [string[], string | undefined, string][] = [
        [['user', 'add', 'carol', '--role', 'viewer'], undefined, 'no terminal to type the password on: pipe it in with --password-stdin'],
        [['user', 'add', 'carol', '--role', 'viewer', '--password-stdin'], 'too short', 'use at least 12 characters'],
        [['user', 'add', 'carol', '--role', 'nurse', '--password-stdin'], BOB_PASSWORD, 'unknown role "nurse"'],
        [['user', 'add', 'bob', '--role', 'viewer', '--password-stdin'], BOB_PASSWORD, 'user "bob" exists already'],
        [['user', 'add', 'carol', '--password-stdin'], BOB_PASSWORD, "required option '--role <role>' not specified"],
        [['user', 'disable', 'bob'], undefined, 'user disable needs --reason'],
        [['user', 'disable', 'nobody', '--reason', 'x'], undefined, 'no user "nobody"'],
        [['user', 'passwd', 'bob', '--password-stdin'], 'short', 'use at least 12 characters'],
        [['token', 'create', 'ci', '--user', 'nobody'], undefined, 'no user "nobody"'],
        [['token', 'create', 'ci', '--user', 'bob', '--expires', '400d'], undefined, '--expires: at most 366d, got "400d"'],
        [['token', 'create', 'ci', '--user', 'bob', '--role', 'boss'], undefined, 'unknown role "boss"'],
        [['token', 'create', 'Bad Name', '--user', 'bob'], undefined, 'invalid token name "Bad Name"'],
        [['token', 'revoke', 'ci', '--reason', 'x'], undefined, 'no token named "ci"'],
      ]
      for (const [args, input, message] of refused) {
        const r = await run(args, input)
        expect(r.code, args.join(' ')).toBe(2)
        expect(r.stderr, args.join(' ')).toContain(message)
      }
      expect(await snapshotOf(open)).toBe(before)

      const list = JSON.parse((await run(['--json', 'user', 'list'])).stdout) as { users: { name: string; role: string }[] }
      expect(list.users.map((u) => [u.name, u.role])).toEqual([
        ['alice', 'admin'],
        ['bob', 'operator'],
      ])
      const human = await run(['user', 'list'])
      expect(human.stdout).toMatch(/^USER +ROLE +CREATED +BY +STATE\nalice +admin /)

      const created = await lg(['token', 'create', 'ci', '--user', 'bob', '--expires', '30d'])
      expect(created.code, created.stderr).toBe(0)
      const token = created.stdout.trim()
      expect(token).toMatch(/^lgt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
      expect(created.stderr).toContain('it is shown this once')
      expect(created.stderr).not.toContain(token)
      const json = await lg(['--json', 'token', 'create', 'nightly', '--user', 'bob', '--role', 'viewer'])
      const doc = JSON.parse(json.stdout) as { token: string; name: string; expires_at: string; role: string }
      expect(doc).toMatchObject({ name: 'nightly', role: 'viewer' })
      expect(doc.token).toMatch(/^lgt_/)
      const secrets = [ADMIN_PASSWORD, BOB_PASSWORD, BOB_NEW, token, doc.token, secretOf(token), secretOf(doc.token)]

      const tokens = JSON.parse((await run(['--json', 'token', 'list'])).stdout) as { tokens: { name: string; state: string }[] }
      expect(tokens.tokens.map((x) => [x.name, x.state])).toEqual([
        ['ci', 'active'],
        ['nightly', 'active'],
      ])
      expect((await run(['token', 'list'])).stdout).toMatch(/^TOKEN +USER +CEILING +EXPIRES +LAST USED +STATE\nci +bob +\S+ +never +active/)
      expect((await run(['token', 'revoke', 'ci', '--reason', 'rotated'])).code).toBe(0)
      expect((await run(['token', 'revoke', 'ci', '--reason', 'again'])).code).toBe(2)
      expect((await run(['user', 'passwd', 'bob', '--password-stdin'], BOB_NEW)).code).toBe(0)
      expect((await run(['user', 'disable', 'bob', '--reason', 'left the clinic'])).code).toBe(0)
      expect((await run(['user', 'disable', 'bob', '--reason', 'again'])).stderr).toContain('user "bob" was disabled at')
      expect((await run(['user', 'list'])).stdout).toMatch(/bob +operator .*disabled \S+ by \S+: left the clinic/)

      const state = await open()
      try {
        const events = (await listAudit(state.db)).filter((e) => e.action.startsWith('user.') || e.action.startsWith('token.'))
        expect(events.map((e) => `${e.action} ${e.target}`)).toEqual([
          'user.add alice',
          'user.add bob',
          'token.create ci',
          'token.create nightly',
          'token.revoke ci',
          'user.passwd bob',
          'user.disable bob',
        ])
        const osUser = userInfo().username
        for (const e of events)
          expect(e).toMatchObject({ actor: osUser, details: { via: 'local', os_user: osUser, auth: { method: 'local' } } })
        const everything = JSON.stringify(await state.db.selectFrom('audit_events').selectAll().execute())
        const stored = JSON.stringify(await state.db.selectFrom('tokens').selectAll().execute())
        for (const s of secrets) {
          expect(everything).not.toContain(s)
          expect(stored).not.toContain(s)
          for (const out of outputs) expect(out).not.toContain(s)
        }
      } finally {
        await state.close()
      }
    })

    it('with an auth block: --as is refused, and under local_cli read-only only the first admin can be added locally (exit 3 otherwise)', async () => {
      const { lg, open } = await platform('auth:\n  local_cli: read-only\n')
      const before = await snapshotOf(open)
      const as = await lg(['--as', 'mallory', 'user', 'add', 'root', '--role', 'admin', '--password-stdin'], ADMIN_PASSWORD)
      expect(as.code).toBe(2)
      expect(as.stderr).toContain('--as is refused when the configuration has an auth block')
      expect(await snapshotOf(open)).toBe(before)
      expect((await lg(['user', 'add', 'root', '--role', 'admin', '--password-stdin'], ADMIN_PASSWORD)).code).toBe(0)
      const after = await snapshotOf(open)
      for (const args of [
        ['user', 'add', 'second', '--role', 'admin', '--password-stdin'],
        ['token', 'create', 'ci', '--user', 'root'],
        ['user', 'disable', 'root', '--reason', 'x'],
      ]) {
        const r = await lg(args, ADMIN_PASSWORD)
        expect(r.code, args.join(' ')).toBe(3)
        expect(r.stderr).toContain('auth.local_cli is read-only')
        expect(r.stderr).toContain('--server URL')
      }
      expect((await lg(['user', 'list'])).code).toBe(0)
      expect(await snapshotOf(open)).toBe(after)
    })
  })
}
