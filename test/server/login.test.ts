import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { type Answer, call, cookieHeader, cookiesOf } from './http-call.js'
import { ServeProcess } from './serve-process.js'
import { auditOf } from '../helpers/audit-of.js'

// Password logins against a real `lastgood serve`: the session cookie, CSRF on cookie changes, logout, a disabled
// user, the lockout, the rate limits; and no password, session id or token in any log line, audit event or answer.

const PASSWORDS: Record<string, string> = {
  ann: 'correct horse battery staple',
  bob: 'tr0ub4dor and three more',
  carol: 'purple monkey dishwasher 9',
  dan: 'lengthy passphrase for him',
}

let p: SamplePlatform
let server: ServeProcess & { url: string }
let limited: ServeProcess & { url: string }
let token = ''
/** Every answer the tests got, to search for secrets at the end. */
const answers: Answer[] = []
const secrets: string[] = [...Object.values(PASSWORDS)]

async function send(url: string, o: Parameters<typeof call>[1] = {}): Promise<Answer> {
  const a = await call(url, o)
  answers.push(a)
  return a
}

beforeAll(async () => {
  p = await SamplePlatform.create({
    configText: `${singleAppConfig()}auth:\n  rate_limits:\n    login_per_minute: \${LOGIN_LIMIT:-100}\n    token_per_minute: \${TOKEN_LIMIT:-600}\n`,
  })
  expect((await p.cli(['init'])).code).toBe(0)
  const roles: Record<string, string> = { ann: 'operator', bob: 'operator', carol: 'viewer', dan: 'viewer' }
  for (const [user, role] of Object.entries(roles)) {
    const added = await p.cli(['user', 'add', user, '--role', role, '--password-stdin'], { input: `${PASSWORDS[user]}\n` })
    expect(added.code, added.stderr).toBe(0)
  }
  const created = await p.cli(['--json', 'token', 'create', 'ann-ci', '--user', 'ann'])
  expect(created.code, created.stderr).toBe(0)
  token = (JSON.parse(created.stdout) as { token: string }).token
  secrets.push(token)
  ;[server, limited] = await Promise.all([ServeProcess.start(p), ServeProcess.start(p, [], { LOGIN_LIMIT: '3', TOKEN_LIMIT: '3' })])
}, 30_000)

afterAll(async () => {
  await Promise.all([server?.stop('SIGKILL'), limited?.stop('SIGKILL')])
  await p?.destroy()
})

async function login(user: string, password = PASSWORDS[user]!, base = server.url, from?: string): Promise<Answer> {
  return send(`${base}/api/v1/login`, { body: { user, password }, ...(from ? { from } : {}) })
}

/** Logs in and returns what a browser keeps: the Cookie header and the CSRF token. */
async function session(user: string): Promise<{ cookie: string; csrf: string; id: string }> {
  const a = await login(user)
  expect(a.status, a.body).toBe(200)
  const id = cookiesOf(a).lastgood_session!
  secrets.push(id)
  return { cookie: cookieHeader({ lastgood_session: id }), csrf: a.json().csrfToken as string, id }
}

// The servers' monitors write when they get to it (their start; an incident, staff not running here), which
// may be in the middle of a test: what the requests wrote is the rest.
const audit = async () => (await auditOf(p)).filter((e) => !e.action.startsWith('monitor.') && e.actor !== 'lastgood-monitor')

describe('password login over HTTP', () => {
  it('a right password opens a session (HttpOnly, Secure, SameSite=Strict cookie) that /me and the API accept; a wrong one is 401', async () => {
    const wrong = await login('ann', 'not the password at all')
    expect(wrong.status).toBe(401)
    expect(wrong.json().error).toMatchObject({ code: 'unauthenticated', message: 'wrong user name or password' })
    expect(wrong.headers['set-cookie']).toBeUndefined()

    const ok = await login('ann')
    expect(ok.status).toBe(200)
    expect(ok.json()).toMatchObject({
      user: 'ann',
      method: 'password',
      role: 'operator',
      permissions: expect.arrayContaining(['read', 'incident']),
    })
    const set = (ok.headers['set-cookie'] as string[]).find((c) => c.startsWith('lastgood_session='))!
    expect(set).toMatch(/; HttpOnly/)
    expect(set).toMatch(/; Secure/)
    expect(set).toMatch(/; SameSite=Strict/)
    expect(set).toMatch(/; Path=\//)
    const id = cookiesOf(ok).lastgood_session!
    secrets.push(id)
    const me = await send(`${server.url}/api/v1/me`, { headers: { cookie: `lastgood_session=${id}` } })
    expect(me.status).toBe(200)
    expect(me.json()).toMatchObject({ user: 'ann', method: 'password', role: 'operator', csrfToken: ok.json().csrfToken })
    expect((await send(`${server.url}/api/v1/status`, { headers: { cookie: `lastgood_session=${id}` } })).status).toBe(200)
    expect((await send(`${server.url}/api/v1/me`, { headers: { cookie: 'lastgood_session=forged' } })).status).toBe(401)
    const events = await audit()
    expect(events.filter((e) => e.action === 'auth.login' && e.actor === 'ann').map((e) => e.outcome)).toEqual(['failure', 'success'])
  })

  it('a change made with the session cookie needs its CSRF token: without it 403 and nothing written; a bearer token needs none', async () => {
    const ann = await session('ann')
    const declare = { type: 'performance_degradation', scope: ['staff'], reason: 'slow pages' }
    const before = (await audit()).length
    const forged = await send(`${server.url}/api/v1/incidents`, { headers: { cookie: ann.cookie }, body: declare })
    expect(forged.status).toBe(403)
    expect(forged.json().error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('x-csrf-token') })
    const wrongToken = await send(`${server.url}/api/v1/incidents`, {
      headers: { cookie: ann.cookie, 'x-csrf-token': 'x'.repeat(43) },
      body: declare,
    })
    expect(wrongToken.status).toBe(403)
    expect(await audit()).toHaveLength(before)

    // Declaring is a long operation: it starts a run, followed to its end with the same cookie.
    const started = await send(`${server.url}/api/v1/incidents`, {
      headers: { cookie: ann.cookie, 'x-csrf-token': ann.csrf },
      body: declare,
    })
    expect(started.status, started.body).toBe(202)
    const done = await send(`${server.url}/api/v1/runs/${started.json().run.id}?wait=30s`, {
      method: 'GET',
      headers: { cookie: ann.cookie },
    })
    // Its runbook fails (staff has no known-good snapshot here): the run is done all the same, exit code 1.
    expect(done.json(), done.body).toMatchObject({ status: 'done', exitCode: 1 })
    const incident = done.json().result.incident.id as string
    const byBearer = await send(`${server.url}/api/v1/incidents/${incident}/notes`, {
      headers: { authorization: `Bearer ${token}` },
      body: { text: 'looking' },
    })
    expect(byBearer.status, byBearer.body).toBe(200)
    // The servers' monitors may have declared one of their own meanwhile (staff is not running here).
    const declared = (await audit()).find((e) => e.action === 'incident.declared' && e.target === incident)!
    expect(declared.actor).toBe('ann')
  })

  it('logout ends the session (audited); the cookie then opens nothing', async () => {
    const ann = await session('ann')
    expect((await send(`${server.url}/api/v1/logout`, { method: 'POST', headers: { cookie: ann.cookie } })).status).toBe(403)
    const out = await send(`${server.url}/api/v1/logout`, { method: 'POST', headers: { cookie: ann.cookie, 'x-csrf-token': ann.csrf } })
    expect(out.status).toBe(200)
    expect(out.headers['set-cookie']?.[0]).toMatch(/^lastgood_session=;/)
    expect((await send(`${server.url}/api/v1/me`, { headers: { cookie: ann.cookie } })).status).toBe(401)
    expect((await audit()).filter((e) => e.action === 'auth.logout')).toHaveLength(1)
    const byToken = await send(`${server.url}/api/v1/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    expect(byToken.status).toBe(400)
  })

  it('disabling a user ends their sessions at once', async () => {
    const bob = await session('bob')
    expect((await send(`${server.url}/api/v1/me`, { headers: { cookie: bob.cookie } })).status).toBe(200)
    const disabled = await p.cli(['user', 'disable', 'bob', '--reason', 'left the clinic'])
    expect(disabled.code, disabled.stderr).toBe(0)
    expect((await send(`${server.url}/api/v1/me`, { headers: { cookie: bob.cookie } })).status).toBe(401)
    expect((await login('bob')).status).toBe(401)
  })

  it('five wrong passwords lock the account: 429 with Retry-After, even for the right password, audited', async () => {
    const answers: number[] = []
    for (let i = 0; i < 5; i++) answers.push((await login('carol', `wrong password number ${i}`)).status)
    expect(answers).toEqual([401, 401, 401, 401, 429])
    const locked = await login('carol')
    expect(locked.status).toBe(429)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800)
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900)
    expect(locked.json().error).toMatchObject({ code: 'refused', message: expect.stringContaining('carol is locked') })
    expect(locked.headers['set-cookie']).toBeUndefined()
    const events = await audit()
    expect(events.filter((e) => e.action === 'auth.locked' && e.target === 'carol')).toHaveLength(1)
    expect(events.filter((e) => e.action === 'auth.login' && e.target === 'carol' && e.outcome === 'refused')).toHaveLength(1)
  })
})

describe('rate limits (auth.rate_limits: 3 a minute here)', () => {
  it('limits logins per client address and per user name, and requests per API token: 429 with Retry-After', async () => {
    // From one address, a different name each time: the fourth is over the address's limit.
    const fromOne: number[] = []
    for (const name of ['x1', 'x2', 'x3', 'x4']) fromOne.push((await login(name, 'whatever it is', limited.url, '127.0.0.2')).status)
    expect(fromOne).toEqual([401, 401, 401, 429])
    // One name from four addresses: the fourth is over the name's limit (and its password is not even checked).
    const forDan: Answer[] = []
    for (const from of ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'])
      forDan.push(await login('dan', PASSWORDS.dan, limited.url, from))
    expect(forDan.map((a) => a.status)).toEqual([200, 200, 200, 429])
    for (const a of forDan.slice(0, 3)) secrets.push(cookiesOf(a).lastgood_session!)
    const over = forDan[3]!
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60)
    expect(over.json().error).toMatchObject({ code: 'refused', message: expect.stringContaining('too many login attempts for dan') })

    const uses: Answer[] = []
    for (let i = 0; i < 4; i++) uses.push(await send(`${limited.url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } }))
    expect(uses.map((a) => a.status)).toEqual([200, 200, 200, 429])
    expect(Number(uses[3]!.headers['retry-after'])).toBeGreaterThan(0)
    expect(uses[3]!.json().error.message).toContain('ann-ci')
    // The other server counts its own: the token is not limited there.
    expect((await send(`${server.url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
  })
})

describe('no secret anywhere', () => {
  it('no password, token or session id in the servers’ logs, the audit trail or any answer body', async () => {
    const events = JSON.stringify(await audit())
    const logs = server.stderr + limited.stderr
    expect(logs).toContain('"requestId"')
    const bodies = answers.map((a) => a.body + JSON.stringify({ ...a.headers, 'set-cookie': undefined })).join('\n')
    for (const secret of secrets) {
      expect(logs).not.toContain(secret)
      expect(events).not.toContain(secret)
      expect(bodies).not.toContain(secret)
    }
  })
})
