import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readlink, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, type TestContext } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { recordPendingRollback } from '../../src/monitor/monitor-store.js'
import { planRollback } from '../../src/rollback/plan-rollback.js'
import { runRollback } from '../../src/rollback/run-rollback.js'
import { StreamingCli } from '../helpers/monitor-process.js'

/**
 * RELIABILITY case 17: protection never lapses. After each way a rollback run can end, and after any new
 * deploy, the next bad state is detected and rolled back; a resume onto a state a person deployed meanwhile
 * restores nothing. Real monitor processes against a real sample app, probed every 200 ms.
 */

/** What one test started, stopped when it ends (the tests run concurrently: each cleans up only its own). */
class Trial {
  readonly monitors: StreamingCli[] = []
  p!: SamplePlatform

  constructor(ctx: TestContext) {
    ctx.onTestFinished(async () => {
      for (const m of this.monitors) await m.stop()
      await this.p?.destroy()
    })
  }
}

interface Setup {
  /** YAML lines under the app's `triggers:` (none: the app has no `triggers` key). */
  triggers?: string
  restart?: string
  /** Extra top-level YAML. */
  extra?: string
  /** Extra apps (YAML under `apps:`). */
  apps?: string
}

function config(s: Setup): string {
  return `version: 1
platform: test
monitor:
  cooldown: 10m
apps:
  staff:
    priority: 1
    health:
      interval: 200ms
      timeout: 1s
      checks:
        - name: health
          url: http://127.0.0.1:\${CLINIC_STAFF_PORT}/health
    components:
      release:
        provider: local-release
        path: ./apps/staff
${s.restart ? `        restart: ${JSON.stringify(s.restart)}\n` : ''}    rollback:
      validation: { window: "\${STAFF_VALIDATION_WINDOW:-20s}", passes: 2, interval: 100ms }
${s.triggers ? `    triggers:\n${s.triggers}` : ''}${s.apps ?? ''}${s.extra ?? ''}`
}

let creating: Promise<unknown> = Promise.resolve()

const HEALTH = '      health: { kind: health_failures, action: rollback }\n'

/** staff v1 running and snapshotted (known good), then v2 deployed bad. */
async function platform(t: Trial, s: Setup = { triggers: HEALTH }, env: Record<string, string> = {}): Promise<SamplePlatform> {
  // One at a time: create() sets process.env while it loads the config.
  const created = creating.then(() => SamplePlatform.create({ configText: config(s), env }))
  creating = created.catch(() => undefined)
  const p = await created
  t.p = p
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  const snap = await p.cli(['--json', 'snapshot', 'create', 'staff'])
  expect(JSON.parse(snap.stdout).snapshots[0].knownGood, snap.stderr).toBe(true)
  await p.deploy('staff', 'v2', { healthy: false })
  return p
}

function monitor(t: Trial, env: Record<string, string> = {}, args: string[] = ['staff']): StreamingCli {
  const m = new StreamingCli(t.p, ['monitor', ...args], env)
  t.monitors.push(m)
  return m
}

const live = (p: SamplePlatform) => readlink(join(p.dir, 'apps/staff/current'))

function query<T>(p: SamplePlatform, sql: string): T[] {
  const db = new Database(join(p.dir, '.lastgood/state.db'), { readonly: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}
const runs = (p: SamplePlatform) =>
  query<{ id: string; status: string; actor: string }>(p, 'select id, status, actor from rollback_runs order by started_at, id')

/** Kills the monitor's rollback right after the restore of v1 (v1 live, validation not done), or earlier. */
async function killedMidRun(t: Trial, after: 'restore' | 'safety-snapshot'): Promise<string> {
  const p = t.p
  const m = monitor(t, { LASTGOOD_FAULT_KILL_AFTER: after === 'restore' ? '7' : '5' })
  expect((await m.exited).signal).toBe('SIGKILL')
  const [run] = runs(p)
  const steps = query<{ name: string; status: string }>(
    p,
    `select name, status from rollback_steps where run_id = '${run!.id}' order by seq`,
  )
  expect(steps.at(-1)).toEqual({ name: after, status: 'succeeded' })
  return run!.id
}

/** The next bad release is rolled back by this monitor: the proof that protection did not lapse. */
async function nextBadDeployRolledBack(p: SamplePlatform, m: StreamingCli, version: string): Promise<void> {
  const before = m.events.filter((e) => e.type === 'rollback.done').length
  await p.deploy('staff', version, { healthy: false })
  await m.waitFor(
    (e) =>
      e.type === 'rollback.done' && m.events.filter((x) => x.type === 'rollback.done').indexOf(e) === before && e.outcome === 'success',
  )
  expect(await live(p)).toBe('releases/v1')
  expect(m.events.filter((e) => e.type === 'escalation.recorded' || e.type === 'rollback.skipped')).toEqual([])
}

describe('RELIABILITY case 17: the monitor never stops protecting an app', () => {
  it.concurrent(
    'case 17: failed (the restore failed and was reverted), then a new bad deploy → rolled back',
    async (ctx) => {
      // The first restart fails after the switch: the run reverts to v2 and fails; later restarts work.
      const t = new Trial(ctx)
      const p = await platform(
        t,
        { triggers: HEALTH, restart: 'test -e .failed-once || { touch .failed-once; exit 1; }' },
        { STAFF_VALIDATION_WINDOW: '2s' },
      )
      const m = monitor(t)
      const failed = await m.waitFor((e) => e.type === 'rollback.done')
      expect(failed.outcome).toBe('failure')
      expect(await live(p)).toBe('releases/v2')
      const before = m.events.length
      await p.deploy('staff', 'v3', { healthy: false })
      await m.waitFor((e) => e.type === 'rollback.done' && e.outcome === 'success' && m.events.indexOf(e) >= before)
      expect(await live(p)).toBe('releases/v1')
      expect(runs(p).map((r) => r.status)).toEqual(['failed', 'succeeded'])
    },
    60_000,
  )

  it.concurrent(
    'case 17: abandoned, then a new bad deploy → rolled back, not skipped as "began after the condition did"',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      const run = await killedMidRun(t, 'safety-snapshot')
      const abandoned = await p.cli(['rollback', '--abandon', run, '--reason', 'fixing it by hand', '--yes'])
      expect(abandoned.code, abandoned.stderr).toBe(0)
      await p.deploy('staff', 'v3', { healthy: false })
      const m = monitor(t)
      await m.waitFor((e) => e.type === 'rollback.done' && e.outcome === 'success')
      expect(await live(p)).toBe('releases/v1')
      expect(m.events.filter((e) => e.type === 'rollback.skipped')).toEqual([])
      expect(runs(p).map((r) => r.status)).toEqual(['abandoned', 'succeeded'])
    },
    60_000,
  )

  it.concurrent(
    "case 17: a person's rollback killed before it changed anything → the monitor rolls the bad deploy back (the dead run closed as not started)",
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      // Killed after its verify step: nothing was restored, so it must not leave the app unprotected.
      const killed = await p.cli(['rollback', 'staff', '--reason', 'by hand', '--yes'], { env: { LASTGOOD_FAULT_KILL_AFTER: '3' } })
      expect(killed.signal, killed.stderr).toBe('SIGKILL')
      const [dead] = runs(p)
      const m = monitor(t)
      await m.waitFor((e) => e.type === 'rollback.done' && e.outcome === 'success')
      expect(await live(p)).toBe('releases/v1')
      expect(runs(p)).toEqual([
        expect.objectContaining({ id: dead!.id, status: 'not-started' }),
        expect.objectContaining({ status: 'succeeded' }),
      ])
      const closed = query<{ actor: string; details: string }>(
        p,
        "select actor, details from audit_events where action = 'rollback.interrupt'",
      )
      expect(closed.map((e) => ({ actor: e.actor, run: JSON.parse(e.details).run, status: JSON.parse(e.details).status }))).toEqual([
        { actor: 'lastgood-monitor', run: dead!.id, status: 'not-started' },
      ])
    },
    60_000,
  )

  it.concurrent(
    'case 17: kill -9 mid-rollback; SIGINT while the next monitor resumes it → journaled, exit 0 within 10 s; a third monitor finishes it (resumed), then rolls back a new bad deploy',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      const run = await killedMidRun(t, 'restore')
      // A broken dependency keeps the resumed validation going until the signal.
      await writeFile(join(p.dir, 'apps/staff/outage.json'), JSON.stringify({ healthy: false }))
      const second = monitor(t)
      await second.waitFor((e) => e.type === 'run.resumed')
      await new Promise((r) => setTimeout(r, 500))
      const signalled = Date.now()
      second.kill('SIGINT')
      expect(await second.exited).toEqual({ code: 0, signal: null })
      expect(Date.now() - signalled).toBeLessThan(10_000)
      const said = await second.waitFor((e) => e.type === 'rollback.interrupted')
      expect(said.message).toMatch(/SIGINT/)
      expect(said.message).toMatch(/validate/)
      expect(runs(p)).toEqual([expect.objectContaining({ id: run, status: 'interrupted' })])

      await rm(join(p.dir, 'apps/staff/outage.json'))
      const third = monitor(t)
      expect((await third.waitFor((e) => e.type === 'run.resumed')).data.run).toBe(run)
      await third.waitFor((e) => e.type === 'rollback.done' && e.outcome === 'success')
      await nextBadDeployRolledBack(p, third, 'v3')
      expect((await p.cli(['audit', 'verify'])).code).toBe(0)
    },
    60_000,
  )

  it.concurrent(
    'case 17: SIGTERM during an automatic rollback → journaled, exit 0 within 10 s; the next monitor finishes it, then rolls back a new bad deploy',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      const first = monitor(t)
      await first.waitFor((e) => e.type === 'rollback.queued')
      // Wait until the run validates v1 while a broken dependency keeps validation from passing.
      await writeFile(join(p.dir, 'apps/staff/outage.json'), JSON.stringify({ healthy: false }))
      for (let i = 0; i < 200 && query(p, "select 1 from rollback_steps where name = 'validate'").length === 0; i++)
        await new Promise((r) => setTimeout(r, 50))
      const signalled = Date.now()
      first.kill('SIGTERM')
      expect(await first.exited).toEqual({ code: 0, signal: null })
      expect(Date.now() - signalled).toBeLessThan(10_000)
      expect((await first.waitFor((e) => e.type === 'rollback.interrupted')).message).toMatch(/SIGTERM/)
      expect(runs(p)).toEqual([expect.objectContaining({ status: 'interrupted' })])

      await rm(join(p.dir, 'apps/staff/outage.json'))
      const second = monitor(t)
      await second.waitFor((e) => e.type === 'rollback.done' && e.outcome === 'success')
      await nextBadDeployRolledBack(p, second, 'v3')
    },
    60_000,
  )

  it.concurrent(
    'case 17: a resume onto a release a person deployed meanwhile → superseded, nothing restored, notified; the new release is watched as a new deploy',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t, {
        triggers: HEALTH,
        extra:
          'notifications:\n  channels:\n    ops: { type: webhook, url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123" }\n  incidents: [ops]\n',
      })
      const run = await killedMidRun(t, 'safety-snapshot')
      await p.deploy('staff', 'v3')
      const m = monitor(t)
      const superseded = await m.waitFor((e) => e.type === 'rollback.superseded')
      expect(superseded.data.run).toBe(run)
      expect(superseded.message).toMatch(/v3/)
      expect(await live(p)).toBe('releases/v3')
      expect(runs(p)).toEqual([expect.objectContaining({ id: run, status: 'superseded' })])
      expect(query<{ action: string }>(p, "select action from audit_events where action = 'rollback.superseded'")).toHaveLength(1)
      expect(query<{ kind: string }>(p, "select kind from notifications where kind = 'rollback_superseded'")).toHaveLength(1)
      // v3 breaks later (its config, say): that is the new deploy going bad, and it is rolled back.
      await new Promise((r) => setTimeout(r, 1000))
      expect(await live(p)).toBe('releases/v3')
      await p.deploy('staff', 'v3', { healthy: false })
      await m.waitFor((e) => e.type === 'rollback.done' && e.outcome === 'success')
      expect(await live(p)).toBe('releases/v1')
    },
    60_000,
  )

  it.concurrent(
    'case 17: rollback --resume onto a release a person deployed meanwhile → superseded, exit 3, nothing restored',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      const killed = await p.cli(['rollback', 'staff', '--reason', 'bad deploy', '--yes'], { env: { LASTGOOD_FAULT_KILL_AFTER: '5' } })
      expect(killed.signal).toBe('SIGKILL')
      const [run] = runs(p)
      await p.deploy('staff', 'v3')
      const resumed = await p.cli(['rollback', '--resume', run!.id, '--reason', 'finish it', '--yes'])
      expect(resumed.code, resumed.stderr).toBe(3)
      expect(resumed.stderr).toMatch(/superseded/)
      expect(resumed.stderr).toMatch(/release runs v3/)
      expect(await live(p)).toBe('releases/v3')
      expect(runs(p)).toEqual([expect.objectContaining({ id: run!.id, status: 'superseded' })])
      // Closed, not left for --resume or --abandon: a new rollback is not refused.
      const again = await p.cli(['rollback', 'staff', '--reason', 'v3 is bad too', '--yes'])
      expect(again.code, again.stderr).toBe(0)
      expect(await live(p)).toBe('releases/v1')
      expect((await p.cli(['audit', 'verify'])).code).toBe(0)
    },
    60_000,
  )
})

describe('issue 10 item 2(c): every app with a health check is protected unless it opts out', () => {
  it.concurrent(
    'case 17: an app without triggers gets the default health trigger and is rolled back after each different bad release, inside the cooldown too; one that opts out is named by validate and monitor',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t, {
        apps: `  inventory:
    priority: 2
    health:
      checks:
        - name: health
          url: http://127.0.0.1:\${CLINIC_INVENTORY_PORT}/health
    components:
      release:
        provider: local-release
        path: ./apps/inventory
    triggers:
      health: { kind: off }
`,
      })
      await p.deploy('inventory', 'v1')
      const validated = await p.cli(['--json', 'validate', 'inventory'])
      const checks = JSON.parse(validated.stdout).checks as { area: string; target: string; outcome: string; message: string }[]
      expect(checks).toContainEqual(
        expect.objectContaining({ target: 'inventory', outcome: 'warning', message: expect.stringMatching(/nothing to act on/) }),
      )
      const human = await p.cli(['validate'])
      expect(human.stdout).toMatch(/inventory .*WARNING.*nothing to act on/)
      expect(human.stdout).not.toMatch(/staff .*nothing to act on/)

      const m = monitor(t, {}, [])
      const warned = await m.waitFor((e) => e.type === 'monitor.warning')
      expect(warned).toMatchObject({ app: 'inventory' })
      expect(warned.message).toMatch(/nothing to act on/)
      const fired = await m.waitFor((e) => e.type === 'trigger.firing')
      expect(fired).toMatchObject({ app: 'staff', trigger: 'health' })
      await m.waitFor((e) => e.type === 'rollback.done' && e.outcome === 'success')
      expect(await live(p)).toBe('releases/v1')

      // case 17: completed, then different bad releases inside the cooldown → each rolled back (the cooldown is
      // about the state the rollback restored, and resets when the running version changes).
      await nextBadDeployRolledBack(p, m, 'v3')
      expect(m.events.find((e) => e.type === 'deploy.detected')?.message).toMatch(/release=v3, not v1/)
      await nextBadDeployRolledBack(p, m, 'v4')
      expect(runs(p).map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    },
    60_000,
  )
})

describe('issue 10 item 3: a run stopped by a signal says where, and one that changed nothing is not left behind', () => {
  it.concurrent(
    'a run stopped before it changed anything is recorded as not started (not left for --resume/--abandon); one stopped in validation stays interrupted for --resume',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      const lg = await withEnv(p.env, () => openPlatform(p.configFile))
      try {
        const stopped = new AbortController()
        stopped.abort(new Error('SIGINT'))
        const plan = await planRollback(lg, { apps: [lg.config.apps[0]!], signal: new AbortController().signal })
        const report = await runRollback(lg, plan, { actor: 'tester', reason: 'stopped at once', stop: stopped.signal })
        expect(report).toMatchObject({ status: 'not-started', stopped: { why: 'stopped by SIGINT' }, apps: [{ outcome: 'not-started' }] })
        expect(await live(p)).toBe('releases/v2')
        expect(runs(p)).toEqual([expect.objectContaining({ status: 'not-started' })])

        // Stopped while validating (a broken dependency keeps validation going): the restore happened, so the run
        // stays interrupted, journaled at validate, for --resume to finish.
        await writeFile(join(p.dir, 'apps/staff/outage.json'), JSON.stringify({ healthy: false }))
        const stop = new AbortController()
        const again = await planRollback(lg, { apps: [lg.config.apps[0]!], signal: new AbortController().signal })
        const running = runRollback(lg, again, { actor: 'tester', reason: 'stopped in validation', stop: stop.signal })
        for (let i = 0; i < 200 && query(p, "select 1 from rollback_steps where name = 'validate'").length === 0; i++)
          await new Promise((r) => setTimeout(r, 50))
        stop.abort(new Error('SIGTERM'))
        const cut = await running
        expect(cut).toMatchObject({
          status: 'interrupted',
          stopped: { why: 'stopped by SIGTERM', at: expect.stringMatching(/^at validate/) },
          apps: [{ outcome: 'interrupted' }],
        })
      } finally {
        await lg.close()
      }
      expect(await live(p)).toBe('releases/v1')
      await rm(join(p.dir, 'apps/staff/outage.json'))
      const refused = await p.cli(['rollback', 'staff', '--reason', 'afresh', '--yes'])
      expect(refused.code).toBe(3)
      const [, second] = runs(p)
      const resumed = await p.cli(['rollback', '--resume', second!.id, '--reason', 'finish it', '--yes'])
      expect(resumed.code, resumed.stderr).toBe(0)
      expect(runs(p).map((r) => r.status)).toEqual(['not-started', 'succeeded'])
    },
    60_000,
  )
})

describe('rollback --pending under Ctrl-C', () => {
  it.concurrent(
    'stops at the next step boundary, journaled, like any other rollback (it used to be killed mid-step)',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      const lg = await withEnv(p.env, () => openPlatform(p.configFile))
      let id: string
      try {
        id = (await recordPendingRollback(lg.state, { app: 'staff', trigger: 'errors', target: null, reason: 'alert fired' })).pending.id
      } finally {
        await lg.close()
      }
      // A broken dependency keeps validation going, so the signal lands inside the run.
      await writeFile(join(p.dir, 'apps/staff/outage.json'), JSON.stringify({ healthy: false }))
      const cli = spawnCli(p, ['rollback', '--pending', id, '--yes'])
      for (let i = 0; i < 400 && query(p, "select 1 from rollback_steps where name = 'validate'").length === 0; i++)
        await new Promise((r) => setTimeout(r, 25))
      cli.child.kill('SIGINT')
      expect(await cli.exited, cli.err()).toEqual({ code: 1, signal: null })
      expect(cli.out() + cli.err()).toMatch(/stopped by SIGINT/)
      expect(runs(p).map((r) => r.status)).toEqual(['interrupted'])
    },
    60_000,
  )
})

/** The real CLI as a child process a test can signal; its output is collected. */
function spawnCli(p: SamplePlatform, args: string[]) {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/lastgood.cjs'), '--config', p.configFile, ...args], {
    cwd: p.dir,
    env: { ...process.env, LASTGOOD_ACTOR: 'tester', ...p.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.once('exit', (code, signal) => ok({ code, signal })),
  )
  return { child, exited, out: () => stdout, err: () => stderr }
}

const INVENTORY = `  inventory:
    priority: 2
    health:
      checks:
        - name: health
          url: http://127.0.0.1:\${CLINIC_INVENTORY_PORT}/health
    components:
      release:
        provider: local-release
        path: ./apps/inventory
`

describe('issue 10 item 3: Ctrl-C during snapshot create', () => {
  it.concurrent(
    'says what was kept: the snapshots completed, and which app was cut short (its data unreferenced, for prune)',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t, { triggers: HEALTH, apps: INVENTORY })
      // Big enough that capturing it takes a while: the signal lands while inventory is being captured.
      await p.deploy('inventory', 'v1', { healthy: true }, { 'assets/bundle.bin': randomBytes(24 * 1024 * 1024) })
      const snaps = () => query<{ id: string; app: string }>(p, 'select id, app from snapshots order by created_at')
      const before = snaps().length
      const cli = spawnCli(p, ['snapshot', 'create', 'staff', 'inventory'])
      for (let i = 0; i < 400 && snaps().length === before; i++) await new Promise((r) => setTimeout(r, 25))
      const kept = snaps().at(-1)!
      expect(kept.app).toBe('staff')
      cli.child.kill('SIGINT')
      expect(await cli.exited, cli.err()).toEqual({ code: 1, signal: null })
      const stderr = cli.err()
      expect(stderr).toContain(`stopped by SIGINT while capturing inventory: kept ${kept.id} (complete); inventory was not captured`)
      expect(stderr).toMatch(/snapshot prune/)
      expect(snaps().filter((s) => s.app === 'inventory')).toEqual([])
      expect((await p.cli(['snapshot', 'verify'])).code).toBe(0)
    },
    60_000,
  )
})

describe('issue 10 item 3: Ctrl-C during watch', () => {
  it.concurrent(
    'ends the soak unproven, says so, exits 1 cleanly, and vouches for nothing',
    async (ctx) => {
      const t = new Trial(ctx)
      const p = await platform(t)
      await p.deploy('staff', 'v3')
      const cli = spawnCli(p, ['watch', 'staff', '--for', '60s'])
      for (let i = 0; i < 400 && !cli.out().includes('watch.started'); i++) await new Promise((r) => setTimeout(r, 25))
      cli.child.kill('SIGINT')
      expect(await cli.exited, cli.err()).toEqual({ code: 1, signal: null })
      expect(cli.out()).toContain('staff: inconclusive: stopped by SIGINT before the soak ended; not vouching for')
      expect(query<{ known_good: number }>(p, "select known_good from snapshots where kind = 'deploy'")).toEqual([{ known_good: 0 }])
    },
    60_000,
  )
})
