/**
 * A platform at scale, for `bench:scale` and the scaling tests: `apps` apps of one release-directory component
 * each (a health check on the one sample server), `snapshotsPerApp` pre-deploy snapshots of each (one per
 * release deployed), a few real rollbacks, and an audit chain grown to `auditEvents` events.
 *
 * The snapshots are taken in one process through createSnapshot, and the platform's close is mimicked after
 * each one (checkpointAudit), so the state database and the repository (one pack, index file, snapshot file
 * and checkpoint per snapshot) are what as many `lastgood snapshot create` processes leave. The extra audit
 * events go through the real append path, in write transactions of a thousand, each checkpointed like the
 * close of a long-running monitor. Built once per size and fixture version under the OS temp directory.
 */
import { existsSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkpointAudit } from '../src/audit/audit-checkpoint.js'
import type { AuditInput } from '../src/audit/audit-event.js'
import { appendAuditIn } from '../src/audit/audit-log.js'
import { SamplePlatform, withEnv } from '../src/demo/sample-platform.js'
import { openPlatform } from '../src/platform/open-platform.js'
import type { Platform } from '../src/platform/platform.js'
import { createSnapshot } from '../src/snapshots/create-snapshot.js'
import { manyAppsConfig } from '../src/demo/many-apps-config.js'

/** Bump when what the fixture holds changes: a cached one of another version is never reused. */
const FIXTURE_VERSION = 2

export interface ScaleSize {
  apps: number
  snapshotsPerApp: number
  /** Rollbacks run through the CLI (each adds a safety snapshot, a run, steps and rejected releases). */
  rollbacks: number
  /** The audit chain's length at the end (at least what the snapshots and rollbacks appended). */
  auditEvents: number
}

/** The size a user measured: 200 apps, 2,000 snapshots, 100,000 audit events. */
export const FULL_SCALE: ScaleSize = { apps: 200, snapshotsPerApp: 10, rollbacks: 5, auditEvents: 100_000 }

/** The platform of this size, built unless a complete one is cached; its sample server is not started. */
export async function scaleFixture(size: ScaleSize = FULL_SCALE, log: Log = () => {}): Promise<SamplePlatform> {
  const key = `v${FIXTURE_VERSION}-${size.apps}a-${size.snapshotsPerApp}s-${size.rollbacks}r-${size.auditEvents}e`
  const dir = join(tmpdir(), `lastgood-scale-${key}`)
  const done = join(dir, 'fixture-complete')
  if (existsSync(done)) return SamplePlatform.create({ dir, configText: await readFile(join(dir, 'lastgood.yaml'), 'utf8') })
  log(`building the scale fixture in ${dir} (once)`)
  await rm(dir, { recursive: true, force: true })
  const p = await newScalePlatform(size, dir, log)
  await writeFile(done, `${JSON.stringify(size)}\n`)
  return p
}

/** The platform of this size built afresh in `dir` (a new temporary directory by default), for a test to destroy. */
export async function newScalePlatform(size: ScaleSize, dir?: string, log: Log = () => {}): Promise<SamplePlatform> {
  const p = await SamplePlatform.create({ configText: scaleConfig(size.apps), ...(dir ? { dir } : {}) })
  try {
    await build(p, size, log)
  } finally {
    await p.stop()
  }
  return p
}

type Log = (line: string) => void

export function appNames(n: number): string[] {
  return ['staff', ...Array.from({ length: n - 1 }, (_, i) => `app-${String(i + 1).padStart(3, '0')}`)]
}

/** Every app's check asks the one sample server (`staff`'s) for /health: a probe per app, one process. */
function scaleConfig(apps: number): string {
  const defaults = `  health:
    interval: 1s
    timeout: 5s
  rollback:
    validation:
      window: 5s
      passes: 1
      interval: 100ms
`
  return manyAppsConfig('scale', appNames(apps), defaults)
}

async function build(p: SamplePlatform, size: ScaleSize, log: Log): Promise<void> {
  const apps = appNames(size.apps)
  const version = (i: number) => `v${String(i).padStart(2, '0')}`
  for (const app of apps) await p.deploy(app, version(1))
  await p.start(['staff'])
  const init = await p.cli(['init'])
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`)
  await inPlatform(p, async (platform) => {
    // Deploy after deploy, a pre-deploy snapshot before each: the newest snapshot holds what runs now.
    for (let i = 1; i <= size.snapshotsPerApp; i++) {
      log(`snapshots: round ${i} of ${size.snapshotsPerApp}`)
      for (const name of apps) {
        if (i > 1) await p.deploy(name, version(i))
        const app = platform.config.apps.find((a) => a.name === name)!
        await createSnapshot(platform, app, { kind: 'pre-deploy', actor: 'deploy-bot', reason: `deploy ${version(i)}` })
        await checkpointAudit(platform.state.db, platform.repository, { copyFile: platform.config.audit.checkpointFile })
      }
    }
  })
  for (const app of apps.slice(1, 1 + size.rollbacks)) {
    const r = await p.cli(['rollback', app, '--reason', 'scale fixture: a release gone bad', '--yes'])
    if (r.code !== 0) throw new Error(`rollback of ${app} failed: ${r.stderr}${r.stdout}`)
  }
  await inPlatform(p, (platform) => growAudit(platform, apps, size.auditEvents, log))
}

async function inPlatform(p: SamplePlatform, fn: (platform: Platform) => Promise<void>): Promise<void> {
  await withEnv(p.env, async () => {
    const platform = await openPlatform(p.configFile)
    try {
      await fn(platform)
    } finally {
      await platform.close()
    }
  })
}

const BATCH = 1000

/**
 * What a monitor of these apps appends over months: mostly trigger changes and deploy watches, and one event
 * in eight a decision (a recovery action, for the compliance report).
 */
async function growAudit(platform: Platform, apps: string[], target: number, log: Log): Promise<void> {
  const { seq } = await platform.state.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirstOrThrow()
  for (let next = Number(seq ?? 0) + 1, batch = 0; next <= target; next += BATCH, batch++) {
    if (batch % 10 === 0) log(`audit events: ${next - 1} of ${target}`)
    const last = Math.min(target, next + BATCH - 1)
    await platform.state.writeTransaction(async (tx) => {
      for (let n = next; n <= last; n++) await appendAuditIn(tx, monitorEvent(n, apps[n % apps.length]!))
    })
    await checkpointAudit(platform.state.db, platform.repository, { copyFile: platform.config.audit.checkpointFile })
  }
}

function monitorEvent(n: number, app: string): AuditInput {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString()
  const kinds: [string, string, Record<string, unknown>][] = [
    ['monitor.trigger.pending', 'error rate 2.1 % above 1 % for 0s of 5m', { value: { rate: 0.021, requests: 240 } }],
    ['monitor.trigger.cleared', 'error rate back to 0.2 %', { value: { rate: 0.002, requests: 260 } }],
    ['monitor.trigger.no-data', 'no requests in the last 1m', { value: { requests: 0 } }],
    ['monitor.watch.started', 'watching v07 for 10m', { version: 'v07', soak: '10m' }],
    ['monitor.watch.passed', 'v07 passed its watch', { version: 'v07' }],
    ['monitor.monitor.started', 'monitoring 200 apps', { apps: 200 }],
    ['monitor.monitor.stopped', 'stopped by SIGTERM', { why: 'SIGTERM' }],
    ['monitor.decision', 'alert: error rate 6 % above 5 %', { decision: 'alert', triggers: ['error-burst'] }],
  ]
  const [action, reason, data] = kinds[n % kinds.length]!
  return {
    actor: 'monitor@host-1',
    action,
    target: app,
    reason,
    outcome: 'success',
    details: { at, trigger: 'error-rate', ...data },
  }
}
