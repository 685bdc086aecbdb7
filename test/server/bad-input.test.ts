import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { listAudit } from '../../src/audit/audit-log.js'
import { localIdentity } from '../../src/auth/identity.js'
import { PERMISSIONS } from '../../src/auth/permissions.js'
import { createToken } from '../../src/auth/tokens.js'
import { addUser } from '../../src/auth/users.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { OPERATIONS } from '../../src/operations/registry.js'
import type { Platform } from '../../src/platform/platform.js'
import type { ApiServer } from '../../src/server/route.js'
import { singleAppConfig } from '../helpers/configs.js'
import { inProcessApi } from './in-process-api.js'

// Bad input to every operation's route, generated from the operations themselves: each field of each route
// given a value its schema refuses answers 400 naming a field of that route, and nothing is written. The
// caller holds every permission, so what answers is the input check, not the access guard.

let sample: SamplePlatform
let p: Platform
let app: ApiServer
let token: string

beforeAll(async () => {
  const root = `auth:\n  roles:\n    root: { permissions: [${PERMISSIONS.map((x) => JSON.stringify(x)).join(', ')}] }\n`
  sample = await SamplePlatform.create({ configText: singleAppConfig({ extra: root }) })
  await sample.deploy('staff', 'v1')
  expect((await sample.cli(['init'])).code).toBe(0)
  const api = await inProcessApi(sample)
  p = api.p
  app = api.app
  const ctx = { state: p.state, auth: p.config.auth }
  await addUser(ctx, localIdentity('setup', 'root'), { name: 'rooty', role: 'root', password: 'correct horse battery staple' })
  token = (await createToken(ctx, localIdentity('setup', 'root'), { name: 'everything', user: 'rooty' })).token
}, 60_000)

afterAll(async () => {
  await app?.close()
  await p?.close()
  await sample?.destroy()
})

/** Values a query string can carry that a typed field (a flag, a duration, a number, a choice) refuses. */
const QUERY_CANDIDATES = ['maybe', 'soon', '-1', '']

describe('bad input to every route', () => {
  it('answers 400 naming the field, and writes nothing', async () => {
    const before = (await listAudit(p.state.db)).length
    const covered = new Set<string>()
    for (const op of OPERATIONS) {
      const shape = (op.input as z.ZodObject).shape
      const inPath = new Set([...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]!))
      const url = `/api/v1${op.path.replace(/:(\w+)/g, 'no-such-thing')}`
      const fields = Object.keys(shape).filter((k) => !inPath.has(k))
      for (const field of fields) {
        let res
        if (op.method === 'POST') {
          // No field of any route takes an object: a string, a list, a flag, a duration, a number or a choice.
          res = await app.inject({
            method: 'POST',
            url,
            payload: { [field]: { not: 'this' } },
            headers: { authorization: `Bearer ${token}` },
          })
        } else {
          const refused = QUERY_CANDIDATES.find((v) => !z.object({ [field]: shape[field]! }).safeParse({ [field]: v }).success)
          // Free text: any string is an input it takes (an unknown id is the operation's answer, not a schema's).
          if (refused === undefined) continue
          res = await app.inject({
            method: 'GET',
            url: `${url}?${new URLSearchParams({ [field]: refused }).toString()}`,
            headers: { authorization: `Bearer ${token}` },
          })
        }
        const what = `${op.method} ${op.path} ${field}`
        expect(res.statusCode, `${what}: ${res.body}`).toBe(400)
        const error = res.json().error as { code: string; path: string; message: string }
        expect(error.code, what).toBe('usage')
        expect(Object.keys(shape), `${what}: ${error.path}`).toContain(error.path.split('.')[0])
        expect(error.message.startsWith(`${error.path}: `), `${what}: ${error.message}`).toBe(true)
        covered.add(`${op.method} ${op.path}`)
      }
    }
    expect((await listAudit(p.state.db)).length).toBe(before)
    // Every route that changes something has a field, so each is covered; so is every read with a typed field.
    for (const op of OPERATIONS.filter((o) => o.method === 'POST')) expect(covered, `${op.name}`).toContain(`POST ${op.path}`)
    expect(covered.size).toBeGreaterThan(OPERATIONS.filter((o) => o.method === 'POST').length)
  }, 60_000)
})
