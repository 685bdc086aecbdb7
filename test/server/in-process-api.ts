import { jsonLogger } from '../../src/core/logger.js'
import type { SamplePlatform } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import { addApiRoutes } from '../../src/server/api-routes.js'
import { platformAuthenticator } from '../../src/server/authenticate.js'
import { buildServer } from '../../src/server/build-server.js'
import { REQUEST_LOG } from '../../src/server/request-log.js'
import type { ApiServer } from '../../src/server/route.js'
import { createServerMetrics } from '../../src/server/server-metrics.js'

/**
 * The API `lastgood serve` builds, in this process and without its monitor, for tests that send many requests
 * (app.inject) and look at the state between them. Close the app, then the platform.
 */
export async function inProcessApi(sample: SamplePlatform): Promise<{ p: Platform; app: ApiServer }> {
  const p = await openPlatform(sample.configFile, { env: sample.platformEnv() })
  const app = await buildServer({
    platform: p,
    metrics: createServerMetrics(p),
    logger: jsonLogger('silent', REQUEST_LOG),
    authenticator: platformAuthenticator(p),
  })
  addApiRoutes(app, p, { stop: new AbortController().signal, heartbeatMs: 15_000 })
  await app.ready()
  return { p, app }
}
