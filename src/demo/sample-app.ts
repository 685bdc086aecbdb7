/**
 * A small HTTP service whose behaviour comes from its live release: on every request it reads
 * `<root>/current/app.json`, so switching the `current` symlink changes what it serves at once, the way a
 * real app behaves after a deploy or a rollback. Used by the demo, the tests, the drills and the benchmarks.
 *
 *   node sample-app.js --root DIR --port N [--name NAME] [--pid-file FILE]
 *
 * app.json: { "version": "v1", "healthy": true, "latencyMs": 0, "errorRate": 0, "crash": false }
 *   crash: the next request ends the process with exit code 1, like a release whose process dies.
 * <root>/outage.json: { "healthy": false, "errorRate": 1, "latencyMs": 0 }
 *   a broken dependency: it lives outside the releases, so no rollback fixes it. While present with
 *   `healthy: false` it overrides the release: every request fails, or a share `errorRate` of them.
 *
 * GET /metrics serves Prometheus text: http_requests_total{code,path} and http_request_duration_seconds.
 */
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

interface Behaviour {
  version: string
  healthy: boolean
  latencyMs?: number
  errorRate?: number
  crash?: boolean
}

interface Outage {
  healthy?: boolean
  latencyMs?: number
  errorRate?: number
}

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string' },
    name: { type: 'string', default: 'app' },
    'pid-file': { type: 'string' },
  },
})
if (!values.root || !values.port) {
  process.stderr.write('usage: sample-app --root DIR --port N [--name NAME] [--pid-file FILE]\n')
  process.exit(2)
}
const root = values.root
const pidFile = values['pid-file']
let requests = 0

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T
  } catch {
    return null
  }
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const counts = new Map<string, number>()
/** Per bucket, not cumulative: cumulated when written. The last slot is +Inf. */
const bucketCounts: number[] = new Array<number>(BUCKETS.length + 1).fill(0)
let durationSum = 0
let durationCount = 0

function observe(code: number, path: string, seconds: number): void {
  const key = `${code}\n${path}`
  counts.set(key, (counts.get(key) ?? 0) + 1)
  const i = BUCKETS.findIndex((le) => seconds <= le)
  bucketCounts[i === -1 ? BUCKETS.length : i]!++
  durationSum += seconds
  durationCount++
}

function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function exposition(): string {
  const lines = ['# HELP http_requests_total HTTP requests answered, by status code and path.', '# TYPE http_requests_total counter']
  for (const [key, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [code, path] = key.split('\n') as [string, string]
    lines.push(`http_requests_total{code="${labelValue(code)}",path="${labelValue(path)}"} ${n}`)
  }
  lines.push(
    '# HELP http_request_duration_seconds Time from a request to the end of its response.',
    '# TYPE http_request_duration_seconds histogram',
  )
  let cumulative = 0
  BUCKETS.forEach((le, i) => {
    cumulative += bucketCounts[i]!
    lines.push(`http_request_duration_seconds_bucket{le="${le}"} ${cumulative}`)
  })
  lines.push(
    `http_request_duration_seconds_bucket{le="+Inf"} ${durationCount}`,
    `http_request_duration_seconds_sum ${durationSum}`,
    `http_request_duration_seconds_count ${durationCount}`,
  )
  return `${lines.join('\n')}\n`
}

const server = createServer((req, res) => {
  void (async () => {
    const started = performance.now()
    const path = new URL(req.url ?? '/', 'http://sample-app').pathname
    const [b, outage] = await Promise.all([
      readJson<Behaviour>(join(root, 'current', 'app.json')),
      readJson<Outage>(join(root, 'outage.json')),
    ])
    if (b?.crash) process.exit(1)
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      res.end(exposition())
      return
    }
    requests++
    const metricPath = path === '/health' ? '/health' : '/api'
    res.once('finish', () => observe(res.statusCode, metricPath, (performance.now() - started) / 1000))
    const down = outage?.healthy === false
    const latencyMs = (down ? outage.latencyMs : undefined) ?? b?.latencyMs
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs))
    const failing =
      !b ||
      (down
        ? outage.errorRate === undefined || Math.random() < outage.errorRate
        : !b.healthy || (b.errorRate !== undefined && Math.random() < b.errorRate))
    if (metricPath === '/health') {
      res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' })
      res.end(failing ? `unhealthy ${b?.version ?? 'no release'}${down ? ' (outage)' : ''}\n` : `ok ${b.version}\n`)
      return
    }
    res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ app: values.name, version: b?.version ?? null, requests }))
  })()
})

server.listen(Number(values.port), '127.0.0.1', () => {
  void (async () => {
    // Written whole or not at all: sample-app-ctl may read it at any moment.
    if (pidFile) {
      await writeFile(`${pidFile}.${process.pid}`, `${process.pid}\n`)
      await rename(`${pidFile}.${process.pid}`, pidFile)
    }
    process.stdout.write(`listening ${values.name} ${values.port}\n`)
  })()
})

async function removePidFile(): Promise<void> {
  if (!pidFile) return
  // A newer instance may have taken the file over; it is only ours to remove while it names us.
  if ((await readFile(pidFile, 'utf8').catch(() => '')).trim() === String(process.pid)) await unlink(pidFile).catch(() => undefined)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => void removePidFile().finally(() => process.exit(0))))
}
