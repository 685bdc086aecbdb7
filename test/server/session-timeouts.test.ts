import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonLogger } from '../../src/core/logger.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import { platformAuthenticator } from '../../src/server/authenticate.js'
import { buildServer } from '../../src/server/build-server.js'
import { REQUEST_LOG } from '../../src/server/request-log.js'
import type { ApiServer } from '../../src/server/route.js'
import { createServerMetrics } from '../../src/server/server-metrics.js'
import { addSessionRoutes } from '../../src/server/session-routes.js'
import { singleAppConfig } from '../helpers/configs.js'

// Automatic logoff (idle 15 min, absolute 12 h by default), on the server of `serve` built in process with a
// clock the test moves: a serve process has no clock to move.

const PASSWORD = 'correct horse battery staple'
const MINUTE = 60_000
let sample: SamplePlatform
let p: Platform
let app: ApiServer
let clock = Date.parse('2026-03-02T08:00:00Z')

beforeAll(async () => {
  sample = await SamplePlatform.create({ configText: singleAppConfig() })
  expect((await sample.cli(['init'])).code).toBe(0)
  expect((await sample.cli(['user', 'add', 'ann', '--role', 'viewer', '--password-stdin'], { input: `${PASSWORD}\n` })).code).toBe(0)
  p = await withEnv(sample.env, () => openPlatform(sample.configFile))
  const now = () => new Date(clock)
  app = await buildServer({
    platform: p,
    metrics: createServerMetrics(p),
    logger: jsonLogger('silent', REQUEST_LOG),
    authenticator: platformAuthenticator(p, now),
  })
  addSessionRoutes(app, p, now)
  await app.ready()
})

afterAll(async () => {
  await app?.close()
  await p?.close()
  await sample?.destroy()
})

async function login(): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/login', payload: { user: 'ann', password: PASSWORD } })
  expect(res.statusCode).toBe(200)
  return `lastgood_session=${res.cookies.find((c) => c.name === 'lastgood_session')!.value}`
}

const me = async (cookie: string) => (await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode

describe('session timeouts', () => {
  it('a session used within 15 minutes lives on; 15 minutes unused ends it', async () => {
    const cookie = await login()
    for (let i = 0; i < 4; i++) {
      clock += 14 * MINUTE
      expect(await me(cookie)).toBe(200)
    }
    clock += 15 * MINUTE
    expect(await me(cookie)).toBe(401)
  })

  it('a session ends 12 hours after its login however busy', async () => {
    const cookie = await login()
    for (let i = 0; i < 51; i++) {
      clock += 14 * MINUTE
      expect(await me(cookie)).toBe(200)
    }
    clock += 14 * MINUTE // 52 × 14 min = 12 h 8 min after the login
    expect(await me(cookie)).toBe(401)
  })
})
