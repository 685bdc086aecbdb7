import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAudit } from '../../src/audit/audit-log.js'
import { localIdentity } from '../../src/auth/identity.js'
import { createToken } from '../../src/auth/tokens.js'
import { addUser } from '../../src/auth/users.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { OPERATIONS } from '../../src/operations/registry.js'
import type { Platform } from '../../src/platform/platform.js'
import { type ApiServer, routesOf } from '../../src/server/route.js'
import { singleAppConfig } from '../helpers/configs.js'
import { inProcessApi } from './in-process-api.js'
import { ISSUE_ROLE_TABLE } from '../helpers/issue-role-table.js'

const TABLE = ISSUE_ROLE_TABLE

let sample: SamplePlatform
let p: Platform
let app: ApiServer
const tokenOf: Record<string, string> = {}

beforeAll(async () => {
  sample = await SamplePlatform.create({ configText: singleAppConfig() })
  await sample.deploy('staff', 'v1')
  expect((await sample.cli(['init'])).code).toBe(0)
  const api = await inProcessApi(sample)
  p = api.p
  app = api.app
  const ctx = { state: p.state, auth: p.config.auth }
  const by = localIdentity('setup', 'root')
  for (const role of Object.keys(TABLE)) {
    await addUser(ctx, by, { name: `u-${role}`, role, password: 'correct horse battery staple' })
    tokenOf[role] = (await createToken(ctx, by, { name: `t-${role}`, user: `u-${role}` })).token
  }
}, 60_000)

afterAll(async () => {
  await app?.close()
  await p?.close()
  await sample?.destroy()
})

describe('route × role', () => {
  it('every built-in role reaches exactly the routes its permissions allow; a refusal writes nothing', async () => {
    const routes = routesOf(app)
    const guarded = routes.filter((r) => r.access !== 'public')
    // Every operation's route is among them, and the session routes beside them.
    for (const op of OPERATIONS) expect(guarded.map((r) => `${r.method} ${r.url}`)).toContain(`${op.method} /api/v1${op.path}`)
    const seen: string[] = []
    for (const route of routes) {
      // The event stream would stay open: a Last-Event-ID that is no number is refused (400) once access is granted.
      const url = route.url.replace(/:\w+/g, 'no-such-id') + (route.url === '/api/v1/events' ? '?last_event_id=not-a-number' : '')
      const payload = route.method === 'POST' ? {} : undefined
      const anonymous = await app.inject({ method: route.method, url, payload })
      if (route.access === 'public') {
        expect(anonymous.statusCode, `${route.method} ${route.url}`).not.toBe(401)
        continue
      }
      expect(anonymous.statusCode, `anonymous ${route.method} ${route.url}`).toBe(401)
      const permission = route.access.permission
      for (const [role, permissions] of Object.entries(TABLE)) {
        const before = (await listAudit(p.state.db)).length
        const res = await app.inject({ method: route.method, url, payload, headers: { authorization: `Bearer ${tokenOf[role]}` } })
        const allowed = permissions.includes(permission)
        seen.push(`${role} ${route.method} ${route.url} ${allowed ? 'allowed' : 'refused'}`)
        if (allowed) expect([401, 403], `${role} ${route.method} ${route.url}: ${res.body}`).not.toContain(res.statusCode)
        else {
          expect(res.statusCode, `${role} ${route.method} ${route.url}`).toBe(403)
          expect(res.json().error).toEqual({ code: 'forbidden', message: `u-${role} lacks the permission "${permission}"`, path: null })
          expect((await listAudit(p.state.db)).length, `${role} ${route.method} ${route.url} wrote`).toBe(before)
        }
      }
    }
    // Each role is refused somewhere and allowed somewhere: the table is exercised, not just the happy path.
    for (const role of Object.keys(TABLE)) {
      expect(
        seen.some((s) => s.startsWith(`${role} `) && s.endsWith('allowed')),
        role,
      ).toBe(true)
      expect(
        seen.some((s) => s.startsWith(`${role} `) && s.endsWith('refused')),
        role,
      ).toBe(true)
    }
  })
})
