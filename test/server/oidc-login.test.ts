import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer, type Server } from 'node:https'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Provider from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { type Answer, call, cookieHeader, cookiesOf } from './http-call.js'
import { ServeProcess } from './serve-process.js'
import { auditOf } from '../helpers/audit-of.js'

// OIDC login against a real identity provider (oidc-provider) over HTTPS on loopback, its certificate signed by a
// CA made here with openssl and trusted by the serve process through NODE_EXTRA_CA_CERTS only.

const CLIENT_SECRET = 'oidc-client-secret-6f1d2a9c'
const GROUPS: Record<string, string[]> = { alice: ['staff', 'sre'], mallory: ['interns'] }

let dir: string
let ca: string
let idp: Server
let issuer: string
let p: SamplePlatform
let server: ServeProcess & { url: string }
const answers: Answer[] = []
const secrets: string[] = [CLIENT_SECRET]

function makeCertificates(): { ca: string; cert: string; key: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=lastgood test CA')
  openssl('req', ...ec, '-keyout', 'idp.key', '-out', 'idp.csr', '-subj', '/CN=127.0.0.1')
  writeFileSync(join(dir, 'idp.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  openssl(
    'x509',
    '-req',
    '-in',
    'idp.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'idp.pem',
    '-days',
    '1',
    '-extfile',
    'idp.ext',
  )
  const read = (f: string) => readFileSync(join(dir, f), 'utf8')
  return { ca: read('ca.pem'), cert: read('idp.pem'), key: read('idp.key') }
}

async function freePort(): Promise<number> {
  const s = createNetServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  const port = (s.address() as { port: number }).port
  await new Promise((ok) => s.close(ok))
  return port
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lastgood-oidc-'))
  const certs = makeCertificates()
  ca = certs.ca
  let handler: Parameters<typeof createHttpsServer>[1] = (_req, res) => res.end()
  idp = createHttpsServer({ cert: certs.cert, key: certs.key }, (req, res) => handler!(req, res))
  await new Promise<void>((ok) => idp.listen(0, '127.0.0.1', ok))
  issuer = `https://127.0.0.1:${(idp.address() as { port: number }).port}`
  const port = await freePort()
  const redirect = `http://127.0.0.1:${port}/api/v1/login/oidc/callback`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'lastgood',
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirect],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], profile: ['preferred_username'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'groups'],
    cookies: { keys: ['lastgood-test-cookie-key'] },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: `sub-${id}`, preferred_username: id, groups: GROUPS[id] ?? [] }),
    }),
  })
  handler = provider.callback()

  p = await SamplePlatform.create({
    configText: `${singleAppConfig()}auth:
  oidc:
    issuer: \${IDP_ISSUER}
    client_id: lastgood
    client_secret: \${OIDC_CLIENT_SECRET}
    redirect_url: \${OIDC_REDIRECT}
    scopes: [openid, profile, groups]
    role_map:
      dba-team: dba
      sre: oncall
`,
    env: { IDP_ISSUER: issuer, OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_REDIRECT: redirect },
  })
  expect((await p.cli(['init'])).code).toBe(0)
  server = await ServeProcess.start(p, ['--port', String(port)], { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') })
}, 30_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  await p?.destroy()
  idp?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/**
 * A browser's round trip: lastgood's login route, the provider's login and consent forms (devInteractions), and
 * back to lastgood's callback, whose answer is returned. Cookies are kept per origin; redirects followed by hand.
 */
async function browserLogin(login: string): Promise<Answer> {
  const jars: Record<string, Record<string, string>> = {}
  let url = `${server.url}/api/v1/login/oidc`
  let form: Record<string, string> | undefined
  for (let step = 0; step < 20; step++) {
    const origin = new URL(url).origin
    const jar = (jars[origin] ??= {})
    const a = await call(url, {
      headers: { cookie: cookieHeader(jar) },
      ...(form ? { form } : {}),
      ...(origin === issuer ? { ca } : {}),
    })
    // The provider's own pages carry the code by nature; lastgood's answers must not.
    if (origin !== issuer) answers.push(a)
    Object.assign(jar, cookiesOf(a))
    form = undefined
    if (url.startsWith(`${server.url}/api/v1/login/oidc/callback`)) {
      secrets.push(new URL(url).searchParams.get('code') ?? 'no code')
      return a
    }
    if (a.status >= 300 && a.status < 400) {
      url = new URL(a.headers.location as string, url).href
      continue
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(a.body)?.[1]
    const prompt = /name="prompt" value="(\w+)"/.exec(a.body)?.[1]
    if (a.status !== 200 || !action || !prompt) throw new Error(`unexpected answer ${a.status} from ${url}: ${a.body.slice(0, 300)}`)
    url = new URL(action, url).href
    form = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }
  }
  throw new Error('the login did not come back to lastgood')
}

const audit = () => auditOf(p)

describe('OIDC login (authorization code + PKCE) against a real provider', () => {
  it('a person whose group role_map maps opens a session with method oidc and that role', async () => {
    const a = await browserLogin('alice')
    expect(a.status, a.body).toBe(200)
    expect(a.json()).toMatchObject({ user: 'alice', method: 'oidc', role: 'oncall', permissions: expect.arrayContaining(['break-glass']) })
    const id = cookiesOf(a).lastgood_session!
    secrets.push(id)
    const me = await call(`${server.url}/api/v1/me`, { headers: { cookie: `lastgood_session=${id}` } })
    answers.push(me)
    expect(me.json()).toMatchObject({ user: 'alice', method: 'oidc', role: 'oncall' })
    const out = await call(`${server.url}/api/v1/logout`, {
      method: 'POST',
      headers: { cookie: `lastgood_session=${id}`, 'x-csrf-token': a.json().csrfToken },
    })
    expect(out.status).toBe(200)
    const login = (await audit()).find((e) => e.action === 'auth.login' && e.actor === 'alice')!
    expect(login).toMatchObject({ outcome: 'success', details: { auth: { method: 'oidc', subject: 'alice' }, role: 'oncall' } })
  })

  it('a person with no mapped group is refused (403, audited) and gets no session', async () => {
    const a = await browserLogin('mallory')
    expect(a.status).toBe(403)
    expect(a.json().error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('mallory has no group') })
    expect(cookiesOf(a).lastgood_session ?? '').toBe('')
    const refused = (await audit()).find((e) => e.action === 'auth.login' && e.actor === 'mallory')!
    expect(refused).toMatchObject({ outcome: 'refused', details: { why: 'no mapped role', groups: ['interns'] } })
  })

  it('a callback this browser did not start is refused', async () => {
    const a = await call(`${server.url}/api/v1/login/oidc/callback?code=stolen-code-1234&state=forged-state`)
    expect(a.status).toBe(400)
    expect(a.json().error.message).toContain('start again')
  })

  it('no client secret, code or session id in the server’s log, the audit trail or any answer of lastgood', async () => {
    const events = JSON.stringify(await audit())
    const bodies = answers.map((a) => a.body + JSON.stringify({ ...a.headers, 'set-cookie': undefined, location: undefined })).join('\n')
    expect(server.stderr).toContain('/api/v1/login/oidc/callback?code=***&state=***')
    for (const secret of [...secrets, 'stolen-code-1234']) {
      expect(server.stderr).not.toContain(secret)
      expect(events).not.toContain(secret)
    }
    for (const secret of secrets) expect(bodies).not.toContain(secret)
  })
})
