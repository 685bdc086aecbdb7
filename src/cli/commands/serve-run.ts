import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { hasActiveAdmin } from '../../auth/users.js'
import { errCode, messageOf, UserError } from '../../core/errors.js'
import { jsonLogger } from '../../core/logger.js'
import { monitorUntil, monitorWithRecovery, untilAborted } from '../../monitor/run-monitor.js'
import { addApiRoutes } from '../../server/api-routes.js'
import { buildServer } from '../../server/build-server.js'
import { platformAuthenticator } from '../../server/authenticate.js'
import { REQUEST_LOG } from '../../server/request-log.js'
import { feedMetricsFrom } from '../../server/metrics-feed.js'
import type { ApiServer } from '../../server/route.js'
import { createServerMetrics } from '../../server/server-metrics.js'
import { ScheduleRunner } from '../../schedules/schedule-runner.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { parseDurationOption } from '../parse-time.js'
import { stopOnSignal } from '../stop-signal.js'
import { withPlatform } from '../with-platform.js'

const FIRST_ADMIN =
  'create the first admin here with `lastgood user add NAME --role admin`, then an API token with `lastgood token create NAME --user NAME`'

interface ServeOptions {
  port: string
  host: string
  tlsCert?: string
  tlsKey?: string
}

export async function serveAction(opts: ServeOptions, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const port = portOf(opts.port)
  const https = await tlsOf(opts)
  const startedBy = actorOf(g)
  // A service writes JSON log lines (its requests, the monitor's events) unless LASTGOOD_LOG says otherwise.
  process.env.LASTGOOD_LOG ??= 'info'
  const logger = jsonLogger(process.env.LASTGOOD_LOG, REQUEST_LOG)
  return withPlatform(g, async (p) => {
    // Listening before anything starts: a signal at any moment stops the server and the monitor cleanly.
    const { signal, dispose } = stopOnSignal()
    try {
      const metrics = createServerMetrics(p)
      const monitor = monitorWithRecovery(p, p.config.apps, { startedBy, onRound: (app, round) => metrics.observeRound(app, round) })
      feedMetricsFrom(monitor.bus, p, metrics)
      monitor.bus.subscribe((e) =>
        logger.info({ event: e.type, app: e.app, trigger: e.trigger, outcome: e.outcome, data: e.data }, e.message),
      )
      const schedules = new ScheduleRunner(p, {
        stop: signal,
        onEnd: (s, run) =>
          logger.info(
            { schedule: s.name, job: s.job, run: run.id, outcome: run.outcome },
            `schedule ${s.name}: ${run.summary ?? run.outcome}`,
          ),
      })
      const server = await buildServer({
        platform: p,
        metrics,
        logger,
        authenticator: platformAuthenticator(p),
        ...(https ? { https } : {}),
      }).catch((err: unknown) => {
        throw https
          ? new UserError(
              `--tls-cert ${opts.tlsCert} with --tls-key ${opts.tlsKey}: ${messageOf(err)}; give a PEM certificate and its private key`,
            )
          : err
      })
      addApiRoutes(server, p, { stop: signal, heartbeatMs: heartbeatOf(process.env.LASTGOOD_EVENTS_HEARTBEAT) })
      try {
        const serving = await listen(server, opts.host, port)
        // Nobody can sign in before the first admin exists: say how to make one, on this machine.
        const bootstrap = (await hasActiveAdmin(p.state.db, p.config.auth)) ? undefined : FIRST_ADMIN
        if (g.json) printJson({ serving, ...(bootstrap ? { bootstrap } : {}) })
        else {
          println(
            `lastgood: serving ${serving.url} (/api/v1, /healthz, /readyz, /metrics, /openapi.json); monitoring ${monitor.apps.map((a) => a.name).join(', ') || 'no apps'}` +
              (schedules.schedules.length > 0 ? `; schedules ${schedules.schedules.map((s) => s.name).join(', ')}` : ''),
          )
          if (bootstrap) println(`lastgood: no account can sign in yet: ${bootstrap}`)
        }
        // The server stops taking connections at once; the monitor and a scheduled run finish their running step first.
        await Promise.all([
          monitorUntil(monitor, signal),
          schedules.start().then(() => untilAborted(signal).then(() => schedules.stop())),
          untilAborted(signal).then(() => server.close()),
        ])
      } finally {
        await server.close()
      }
    } finally {
      dispose()
    }
    return 0
  })
}

/** The event stream's heartbeat: 15 s, or $LASTGOOD_EVENTS_HEARTBEAT (a duration) for a test or a short proxy timeout. */
function heartbeatOf(text: string | undefined): number {
  if (text === undefined || text === '') return 15_000
  return parseDurationOption('LASTGOOD_EVENTS_HEARTBEAT', text, { min: 1, max: 3_600_000 })
}

function portOf(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN
  if (!(port >= 0 && port <= 65535)) throw new UserError(`--port ${value}: give a port number from 0 to 65535 (0 picks a free port)`)
  return port
}

async function tlsOf(opts: ServeOptions): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (opts.tlsCert === undefined && opts.tlsKey === undefined) return undefined
  if (opts.tlsCert === undefined || opts.tlsKey === undefined)
    throw new UserError(
      `${opts.tlsCert === undefined ? '--tls-key' : '--tls-cert'} needs ${opts.tlsCert === undefined ? '--tls-cert' : '--tls-key'} too: HTTPS takes a certificate and its private key`,
    )
  const read = async (option: string, file: string) =>
    readFile(file).catch((err: unknown) => {
      throw new UserError(`${option} ${file}: ${errCode(err) === 'ENOENT' ? 'no such file' : messageOf(err)}`)
    })
  return { cert: await read('--tls-cert', opts.tlsCert), key: await read('--tls-key', opts.tlsKey) }
}

/** Listens and says where; an address it cannot take is the user's to change. */
async function listen(server: ApiServer, host: string, port: number): Promise<{ url: string; host: string; port: number }> {
  try {
    await server.listen({ host, port })
  } catch (err) {
    const code = errCode(err)
    if (code === 'EADDRINUSE') throw new UserError(`--port ${port}: the port is in use on ${host}; choose another (0 picks a free one)`)
    if (code === 'EACCES')
      throw new UserError(`--port ${port}: not allowed to listen there (ports below 1024 need privileges); choose another`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new UserError(`--host ${host}: not an address of this machine (${code}); give one, e.g. 127.0.0.1 or 0.0.0.0`)
    throw err
  }
  const address = server.server.address()
  const actual = typeof address === 'object' && address ? address.port : port
  const scheme = server.initialConfig.https ? 'https' : 'http'
  return { url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${actual}`, host, port: actual }
}
