import { messageOf } from '../core/errors.js'
import { redact } from '../core/redact.js'
import { OPERATIONS } from '../operations/registry.js'
import type { Platform } from '../platform/platform.js'
import { EventFeed } from './event-feed.js'
import { addEventStream } from './event-stream.js'
import { addOidcRoutes } from './oidc-routes.js'
import { addOperationRoutes } from './operation-routes.js'
import type { ApiServer } from './route.js'
import { addRunRoutes } from './run-routes.js'
import { Runs } from './runs.js'
import { addSessionRoutes } from './session-routes.js'

/** How often the event stream looks for events other processes wrote: "at once" to a person watching. */
const POLL_MS = 250

export interface ApiOptions {
  /** Aborted by serve's SIGTERM: operations, and runs in the background, stop at their next step boundary. */
  stop: AbortSignal
  /** The event stream's heartbeat interval (15 s). */
  heartbeatMs: number
}

/**
 * The /api/v1 routes: signing in and out (a password, the identity provider when configured), one per operation
 * (a long one started as a run), the runs, and the event stream on which
 * runs start and end. Closing the server waits for the running runs (they stop at their next step boundary),
 * delivers their last events, then ends every stream, so open streams never hold the process up.
 */
export function addApiRoutes(app: ApiServer, p: Platform, o: ApiOptions): void {
  addSessionRoutes(app, p)
  if (p.config.auth.oidc) addOidcRoutes(app, p, p.config.auth.oidc)
  const feed = new EventFeed(p.state.db, POLL_MS, (err) => app.log.error({ err: redact(messageOf(err)) }, 'event stream poll failed'))
  const runs = new Runs({
    onChange: (name, run) => {
      feed.publish({ kind: 'run', name, data: { ...run } })
      if (name === 'run.ended') feed.poke()
    },
    onFault: (run, err) =>
      app.log.error({ run: run.id, err: redact(err instanceof Error ? (err.stack ?? err.message) : String(err)) }, 'run failed'),
  })
  addOperationRoutes(app, p, OPERATIONS, { stop: o.stop, runs, changed: () => feed.poke() })
  addRunRoutes(app, runs)
  const stream = addEventStream(app, p.state.db, feed, { heartbeatMs: o.heartbeatMs })
  let closing = false
  // Answers sent while closing (a run's followers, told how it ended) close their connections: the server has
  // already let its idle ones go and would otherwise wait out keep-alive on these.
  app.addHook('onSend', async (_request, reply) => void (closing && reply.header('connection', 'close')))
  app.addHook('preClose', async () => {
    closing = true
    await runs.settled()
    await feed.flush()
    stream.endAll()
    feed.close()
  })
}
