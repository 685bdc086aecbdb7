import { createServer, type Server } from 'node:http'
import type { HealthRound } from '../../src/health/probe-health.js'
import type { MetricQuery, MetricSource } from '../../src/metrics/metric-source.js'
import type { SourceApp } from '../../src/metrics/source-factory.js'
import { createSources, resolveSourceSettings, SOURCES, type SourceKind } from '../../src/metrics/source-registry.js'
import { freePort } from '../../src/demo/free-port.js'
import { type RunningPrometheus, startPrometheus } from '../helpers/prometheus.js'

export const APP: SourceApp = {
  name: 'staff',
  health: { intervalMs: 1000 },
  triggers: [{ kind: 'error_rate', windowMs: 60_000 }],
  prometheusSelector: 'job="staff"',
}

export const query = (over: Partial<MetricQuery> = {}): MetricQuery => ({
  app: APP.name,
  kind: 'error_rate',
  windowMs: 60_000,
  at: Date.now(),
  ...over,
})

/** A source as lastgood makes one: its settings parsed by its own schema, resolved and created through the registry. */
export function sourceOf(kind: SourceKind, settings?: Record<string, unknown>): MetricSource {
  const factory = SOURCES.find((s) => s.kind === kind)!
  const parsed = settings && factory.configSchema ? { [kind]: factory.configSchema.parse(settings) } : {}
  const source = createSources(resolveSourceSettings(parsed), [APP]).get(kind)
  if (!source) throw new Error(`no ${kind} source made from ${JSON.stringify(settings)}`)
  return source
}

export type Case = [what: string, source: MetricSource, query: MetricQuery]

export interface SourceFixture {
  /** Measurements with nothing to measure: each must be no-data. */
  noData(): Case[]
  /** Measurements that fail: each must be an error, never a throw. */
  failures(): Case[]
  /** A measurement to abort; `waits` when it would otherwise wait as long as it can (a server that never answers). */
  pending(): { case: Case; waits: boolean }
}

/**
 * The servers the Prometheus cases talk to: a real Prometheus scraping a static /metrics page, and a fake
 * one that misbehaves by the first segment of its path (hang, garbage, a 404 page, a dropped connection).
 */
export class SourceServers {
  private constructor(
    readonly prometheus: RunningPrometheus,
    private readonly servers: Server[],
    readonly misbehaving: string,
    readonly refused: string,
  ) {}

  static async start(): Promise<SourceServers> {
    const metrics = await listen((_req, res) => res.end('http_requests_total{code="200"} 5\n'))
    const misbehaving = await listen((req, res) => {
      const what = req.url!.split('/')[1]
      if (what === 'hang') return
      if (what === 'drop') return req.socket.destroy()
      if (what === 'garbage') return res.end('<<<not json>>>')
      if (what === 'shapeless') return res.end('{"status":"success","data":{"resultType":"matrix","result":[]}}')
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>no such page</html>')
    })
    const prometheus = await startPrometheus({ job: 'staff', targets: [`127.0.0.1:${port(metrics)}`], scrapeInterval: '1s' })
    return new SourceServers(
      prometheus,
      [metrics, misbehaving],
      `http://127.0.0.1:${port(misbehaving)}`,
      `http://127.0.0.1:${await freePort()}`,
    )
  }

  async stop(): Promise<void> {
    await this.prometheus.stop()
    for (const s of this.servers) {
      s.closeAllConnections()
      await new Promise((r) => s.close(r))
    }
  }
}

/** The cases of every source kind: the Record type makes a kind without them a compile error. */
export function sourceFixtures(servers: () => SourceServers): Record<SourceKind, SourceFixture> {
  const prometheus = (url: string, timeout = '2s') => sourceOf('prometheus', { url, timeout })
  return {
    probes: {
      noData: () => [
        ['an app never probed', sourceOf('probes'), query()],
        ['an app it does not know', sourceOf('probes'), query({ app: 'unknown' })],
        ['a window without rounds', heard(sourceOf('probes'), Date.now() - 120_000), query({ kind: 'availability' })],
      ],
      failures: () => [['a PromQL query', sourceOf('probes'), query({ kind: 'promql', expr: 'up' })]],
      pending: () => ({ case: ['a measurement (from memory)', heard(sourceOf('probes'), Date.now()), query()], waits: false }),
    },
    prometheus: {
      noData: () => [
        ['a selector without series', sourceOf('prometheus', { url: servers().prometheus.url }), query({ app: 'absent' })],
        ['an empty PromQL result', prometheus(servers().prometheus.url), query({ kind: 'promql', expr: 'up{job="absent"}' })],
      ],
      failures: () => [
        ['a query Prometheus rejects', prometheus(servers().prometheus.url), query({ kind: 'promql', expr: 'sum(' })],
        ['a refused connection', prometheus(servers().refused), query()],
        ['a host that does not resolve', prometheus('http://lastgood-no-such-host.invalid:9090', '1s'), query()],
        ['a URL that is no Prometheus', prometheus(`${servers().misbehaving}/nothing`), query()],
        ['an answer that is not JSON', prometheus(`${servers().misbehaving}/garbage`), query()],
        ['an answer of the wrong shape', prometheus(`${servers().misbehaving}/shapeless`), query({ kind: 'promql', expr: 'up' })],
        ['a dropped connection', prometheus(`${servers().misbehaving}/drop`), query()],
        ['a server that never answers, past the timeout', prometheus(`${servers().misbehaving}/hang`, '200ms'), query()],
      ],
      pending: () => ({ case: ['a server that never answers', prometheus(`${servers().misbehaving}/hang`, '60s'), query()], waits: true }),
    },
  }
}

/** The source, having heard one passed round of the app at `at`. */
function heard(source: MetricSource, at: number): MetricSource {
  const round: HealthRound = {
    state: 'passed',
    at: new Date(at).toISOString(),
    probes: [{ check: 'health', ok: true, status: 200, latencyMs: 5 }],
  }
  source.observe?.(APP.name, round, at)
  return source
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return server
}

function port(server: Server): number {
  return (server.address() as { port: number }).port
}
