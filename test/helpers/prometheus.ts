import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../src/demo/free-port.js'

/** The Prometheus server the tests run; CI installs Debian's package (see .ci/run). */
export const PROMETHEUS_BIN = process.env.LASTGOOD_TEST_PROMETHEUS ?? '/usr/bin/prometheus'

/** Why the Prometheus tests cannot run here, or undefined when they can. */
export const PROMETHEUS_MISSING = existsSync(PROMETHEUS_BIN)
  ? undefined
  : `Prometheus is not installed at ${PROMETHEUS_BIN}; install it with \`apt-get install prometheus\` or set LASTGOOD_TEST_PROMETHEUS`

/**
 * Outside CI a missing Prometheus skips its tests (with the reason printed); in CI it fails them, since a
 * skipped source test there would pass without testing anything.
 */
export function skipWithoutPrometheus(): boolean {
  if (PROMETHEUS_MISSING === undefined || process.env.CI) return false
  console.warn(`skipping the Prometheus tests: ${PROMETHEUS_MISSING}`)
  return true
}

export function assertPrometheusInstalled(): void {
  if (PROMETHEUS_MISSING !== undefined) throw new Error(PROMETHEUS_MISSING)
}

export interface RunningPrometheus {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string
  stop(): Promise<void>
}

/**
 * A throwaway Prometheus scraping `targets` (host:port) as one job, with its data in a temporary directory.
 * Resolves once every target has been scraped.
 */
export async function startPrometheus(opts: { job: string; targets: string[]; scrapeInterval: string }): Promise<RunningPrometheus> {
  assertPrometheusInstalled()
  const dir = await mkdtemp(join(tmpdir(), 'lastgood-prometheus-'))
  const config = join(dir, 'prometheus.yml')
  // JSON is YAML, and it quotes every string for us.
  await writeFile(
    config,
    JSON.stringify({
      global: { scrape_interval: opts.scrapeInterval, scrape_timeout: opts.scrapeInterval },
      scrape_configs: [{ job_name: opts.job, static_configs: [{ targets: opts.targets }] }],
    }),
  )
  const port = await freePort()
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  child.stderr.on('data', (d) => (log = (log + d).slice(-4000)))
  let spawnError: Error | undefined
  child.once('error', (err) => (spawnError = err))
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  const running = () => !spawnError && child.exitCode === null && child.signalCode === null
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(killer)
    }
    await rm(dir, { recursive: true, force: true })
  }
  const url = `http://127.0.0.1:${port}`
  for (const deadline = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 100))) {
    if (!running()) {
      await stop()
      throw new Error(`Prometheus exited before it was ready (${spawnError?.message ?? child.exitCode ?? child.signalCode}):\n${log}`)
    }
    if ((await scrapedTargets(url)) >= opts.targets.length) return { url, stop }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Prometheus had not scraped every target within 15 s:\n${log}`)
    }
  }
}

/**
 * Ready (/-/ready) is not yet scraping: the scrape manager takes its targets up to 5 s after start. Every
 * scrape, failed or not, writes `up`, so counting its series counts the targets scraped at least once.
 */
async function scrapedTargets(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/api/v1/query?query=count(up)`)
    const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } }
    return Number(body.data?.result?.[0]?.value[1] ?? 0)
  } catch {
    return 0
  }
}
