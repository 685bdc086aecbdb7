/**
 * A small HTTP service whose behaviour comes from its live release: on every request it reads
 * `<root>/current/app.json`, so switching the `current` symlink changes what it serves at once, the way a
 * real app behaves after a deploy or a rollback. Used by the demo, the tests and the benchmarks.
 *
 *   node sample-app.js --root DIR --port N [--name NAME]
 *
 * app.json: { "version": "v1", "healthy": true, "latencyMs": 0, "errorRate": 0 }
 */
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

interface Behaviour {
  version: string
  healthy: boolean
  latencyMs?: number
  errorRate?: number
}

const { values } = parseArgs({ options: { root: { type: 'string' }, port: { type: 'string' }, name: { type: 'string', default: 'app' } } })
if (!values.root || !values.port) {
  process.stderr.write('usage: sample-app --root DIR --port N [--name NAME]\n')
  process.exit(2)
}
const root = values.root
let requests = 0

async function behaviour(): Promise<Behaviour | null> {
  try {
    return JSON.parse(await readFile(join(root, 'current', 'app.json'), 'utf8')) as Behaviour
  } catch {
    return null
  }
}

const server = createServer((req, res) => {
  void (async () => {
    requests++
    const b = await behaviour()
    if (b?.latencyMs) await new Promise((r) => setTimeout(r, b.latencyMs))
    const failing = !b || !b.healthy || (b.errorRate !== undefined && Math.random() < b.errorRate)
    if (req.url === '/health') {
      res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' })
      res.end(failing ? `unhealthy ${b?.version ?? 'no release'}\n` : `ok ${b.version}\n`)
      return
    }
    res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ app: values.name, version: b?.version ?? null, requests }))
  })()
})

server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`listening ${values.name} ${values.port}\n`))
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)))
