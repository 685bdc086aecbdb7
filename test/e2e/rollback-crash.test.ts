import { readFile, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { threeReleaseConfig } from '../helpers/configs.js'

const PARTS = ['a', 'b', 'c'] as const
/** The journal of an uninterrupted run, in order; each step is one durable write when it starts and one when it ends. */
const STEPS = ['verify', 'safety-snapshot', 'restore release-a', 'restore release-b', 'restore release-c', 'validate']

let p: SamplePlatform

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: threeReleaseConfig() })
  await p.deploy('staff', 'v1')
  // The server reads the last component restored, so validation passes only once all three are back.
  await p.startApp('staff', { component: 'release-c' })
  expect((await p.cli(['init'])).code).toBe(0)
  const snap = await p.cli(['--json', 'snapshot', 'create', 'staff'])
  expect(snap.code, snap.stderr).toBe(0)
  expect(JSON.parse(snap.stdout).snapshots[0].knownGood).toBe(true)
})
afterAll(async () => {
  await p?.destroy()
})

const root = (x: string) => join(p.dir, `apps/staff-${x}`)

/** Back to "broken v2 deployed everywhere", with empty restart logs. */
async function deployBroken(): Promise<void> {
  await p.deploy('staff', 'v2', { healthy: false })
  for (const x of PARTS) await writeFile(join(root(x), 'restarts.log'), '')
}

async function restarts(x: string): Promise<string[]> {
  return (await readFile(join(root(x), 'restarts.log'), 'utf8')).split('\n').filter(Boolean)
}

interface Row {
  seq: number
  name: string
  component: string | null
  status: string
  detail: string | null
}

function query<T>(sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(p.dir, '.lastgood/state.db'), { readonly: true })
  try {
    return db.prepare(sql).all(...args) as T[]
  } finally {
    db.close()
  }
}

const label = (r: Pick<Row, 'name' | 'component'>) => (r.component ? `${r.name} ${r.component}` : r.name)

/** Audit events of one run, by action. */
function runEvents(run: string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const e of query<{ action: string; details: string }>(`select action, details from audit_events order by seq`)) {
    const d = JSON.parse(e.details) as { run?: string; previousRun?: string; newRun?: string }
    if (d.run === run || (d.previousRun === run && d.newRun === run)) counts[e.action] = (counts[e.action] ?? 0) + 1
  }
  return counts
}

// RELIABILITY case 7, end to end: the real CLI is SIGKILLed (LASTGOOD_FAULT_KILL_AFTER, the journal's test hook)
// right after each durable write of a three-component rollback, one boundary per round. Killed before any
// restore began, the run changed nothing and the next rollback closes it as not started; killed later, a
// person meets the refusal and resumes the run. Every effect must have happened exactly once.
describe('RELIABILITY case 7: SIGKILL at every durable boundary of a three-component rollback', () => {
  it('case 7: each step takes effect exactly once after --resume, one safety snapshot per run, the audit chain verifies', async () => {
    await deployBroken()
    const full = await p.cli(['--json', 'rollback', 'staff', '--reason', 'uninterrupted', '--yes'])
    expect(full.code, full.stderr).toBe(0)
    const baseline = JSON.parse(full.stdout).report as { steps: Row[]; apps: unknown[] }
    expect(baseline.steps.map(label)).toEqual(STEPS)
    // Durable writes of a full run: the run's begin, each step's start and end, each app's outcome, the finish.
    const N = 1 + 2 * baseline.steps.length + baseline.apps.length + 1
    expect(N).toBe(15)

    for (let n = 1; n <= N; n++) {
      const at = `boundary ${n}`
      await deployBroken()
      const killed = await p.cli(['rollback', 'staff', '--reason', `killed at ${n}`, '--yes'], {
        env: { LASTGOOD_FAULT_KILL_AFTER: String(n) },
      })
      expect(killed.signal, `${at}: ${killed.stderr}`).toBe('SIGKILL')
      const last = JSON.parse((await p.cli(['--json', 'status', 'staff'])).stdout).apps[0].lastRollback
      const run = last.id as string
      // Write 2k starts step k, 2k+1 ends it: a kill after an even write leaves that step running.
      const running = n % 2 === 0 && n / 2 <= STEPS.length ? STEPS[n / 2 - 1]! : null

      // Until write 6 (restore release-a starts) the killed run changed nothing: a new rollback closes it.
      const unchanged = n < 2 * STEPS.indexOf('restore release-a') + 2
      let finished = run
      if (n === N) {
        // Killed after its last write: the run finished. Nothing to resume, nothing left to roll back.
        expect(last.status, at).toBe('succeeded')
        const resume = await p.cli(['rollback', '--resume', run, '--reason', 'x', '--yes'])
        expect(resume.code, at).toBe(2)
        expect(resume.stderr).toContain(`rollback ${run} already ended (succeeded`)
        expect((await p.cli(['rollback', 'staff', '--reason', 'x', '--yes'])).code, at).toBe(2)
      } else {
        expect(last.status, at).toMatch(running ? `interrupted at ${running} (staff, step ${n / 2})` : /^interrupted (after|before) /)
        expect(last.resume, at).toBe(`lastgood rollback --resume ${run} --reason "<why>"`)
        const afresh = await p.cli(['--json', 'rollback', 'staff', '--reason', 'plan afresh', '--yes'])
        if (unchanged) {
          // Nothing was restored: the dead run blocks nobody. It is closed as not started, audited, and the
          // new run rolls back on its own.
          expect(afresh.code, `${at}: ${afresh.stderr}`).toBe(0)
          finished = JSON.parse(afresh.stdout).report.run as string
          expect(JSON.parse(afresh.stdout).report).toMatchObject({ status: 'succeeded', apps: [{ outcome: 'restored' }] })
          expect(query(`select status from rollback_runs where id = ?`, run), at).toEqual([{ status: 'not-started' }])
          expect(runEvents(run), at).toEqual({ 'rollback.start': 1, 'rollback.interrupt': 1 })
        } else {
          expect(afresh.code, `${at}: ${afresh.stderr}`).toBe(3)
          expect(afresh.stderr).toContain(`rollback ${run} of staff did not finish: it stopped ${last.stoppedAt}`)
          expect(afresh.stderr).toContain(`lastgood rollback --resume ${run} --reason`)
          const resumed = await p.cli(['--json', 'rollback', '--resume', run, '--reason', 'finish it', '--yes'])
          expect(resumed.code, `${at}: ${resumed.stderr}`).toBe(0)
          expect(JSON.parse(resumed.stdout).report).toMatchObject({ run, status: 'succeeded', apps: [{ outcome: 'restored' }] })
        }
      }

      for (const x of PARTS) expect(await readlink(join(root(x), 'current')), `${at}: release-${x}`).toBe('releases/v1')
      // The hook kills only at journal boundaries, so a restore that was running had not begun its effect:
      // each restart ran exactly once. (A kill between a restore's switch and its end record could make it
      // twice; restores are idempotent for that, see test/providers/local-release/interrupted-restore.test.ts.)
      for (const x of PARTS) expect(await restarts(x), `${at}: restarts of release-${x}`).toEqual(['releases/v1'])

      const steps = query<Row>(`select seq, name, component, status, detail from rollback_steps where run_id = ? order by seq`, finished)
      const interrupted = finished === run ? running : null
      for (const step of STEPS) {
        const rows = steps.filter((s) => label(s) === step)
        expect(
          rows.filter((s) => s.status === 'succeeded'),
          `${at}: ${step} succeeded once`,
        ).toHaveLength(1)
        // The step that was running when the process died is marked interrupted, then done once more.
        expect(
          rows.filter((s) => s.status !== 'succeeded').map((s) => s.status),
          `${at}: ${step}`,
        ).toEqual(step === interrupted ? ['interrupted'] : [])
      }
      expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1))

      const safety = query<{ id: string }>(`select id from snapshots where kind = 'safety' and label = ?`, `before ${finished}`)
      expect(safety, `${at}: one safety snapshot`).toHaveLength(1)
      const safetyStep = steps.find((s) => s.name === 'safety-snapshot' && s.status === 'succeeded')!
      expect(JSON.parse(safetyStep.detail!).snapshot).toBe(safety[0]!.id)

      const resumedRun = n !== N && !unchanged
      expect(runEvents(finished), at).toEqual({
        'rollback.start': 1,
        'rollback.app': 1,
        'release.reject': 1,
        'rollback.finish': 1,
        ...(resumedRun ? { 'rollback.resume': 1, 'lock.takeover': 1 } : {}),
      })
      expect(query(`select status from rollback_runs where id = ?`, finished)).toEqual([{ status: 'succeeded' }])
    }

    const verify = await p.cli(['audit', 'verify'])
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
  }, 180_000)

  it('case 7: a resumed run whose validation fails reverts to the safety snapshot of its first attempt', async () => {
    // The present is a healthy v3; the target, a v0 someone wrongly marked good, fails its health check.
    await p.deploy('staff', 'v0', { healthy: false })
    const bad = JSON.parse((await p.cli(['--json', 'snapshot', 'create', 'staff'])).stdout).snapshots[0].id as string
    expect((await p.cli(['snapshot', 'mark-good', bad, '--reason', 'mistaken belief'])).code).toBe(0)
    await p.deploy('staff', 'v3')
    for (const x of PARTS) await writeFile(join(root(x), 'restarts.log'), '')

    // Killed as release-b's restore starts: release-a already runs v0, the safety snapshot holds v3.
    const killed = await p.cli(['rollback', 'staff', '--to', bad, '--reason', 'killed mid-way', '--yes'], {
      env: { LASTGOOD_FAULT_KILL_AFTER: '8' },
    })
    expect(killed.signal, killed.stderr).toBe('SIGKILL')
    const run = JSON.parse((await p.cli(['--json', 'status', 'staff'])).stdout).apps[0].lastRollback.id as string
    const [safety] = query<{ id: string; components: string }>(
      `select id, components from snapshots where kind = 'safety' and label = ?`,
      `before ${run}`,
    )
    expect((JSON.parse(safety!.components) as { version: string }[]).map((c) => c.version)).toEqual(['v3', 'v3', 'v3'])

    const resumed = await p.cli(['--json', 'rollback', '--resume', run, '--reason', 'finish it', '--yes'], {
      env: { STAFF_VALIDATION_WINDOW: '2s' },
    })
    expect(resumed.code, resumed.stderr).toBe(1)
    const report = JSON.parse(resumed.stdout).report
    expect(report.apps[0]).toMatchObject({ outcome: 'reverted', safety: safety!.id, validation: { outcome: 'failed' } })
    const steps = query<Row>(`select seq, name, component, status, detail from rollback_steps where run_id = ? order by seq`, run)
    expect(steps.map((s) => `${label(s)}: ${s.status}`)).toEqual([
      'verify: succeeded',
      'safety-snapshot: succeeded',
      'restore release-a: succeeded',
      'restore release-b: interrupted',
      'restore release-b: succeeded',
      'restore release-c: succeeded',
      'validate: failed',
      'revert release-c: succeeded',
      'revert release-b: succeeded',
      'revert release-a: succeeded',
      'revert-validate: succeeded',
    ])
    for (const s of steps.filter((x) => x.name === 'revert')) expect(JSON.parse(s.detail!).snapshot).toBe(safety!.id)
    expect(query(`select id from snapshots where kind = 'safety' and label = ?`, `before ${run}`)).toHaveLength(1)
    for (const x of PARTS) expect(await readlink(join(root(x), 'current'))).toBe('releases/v3')
    for (const x of PARTS) expect(await restarts(x)).toEqual(['releases/v0', 'releases/v3'])
    expect(runEvents(run)).toEqual({
      'rollback.start': 1,
      'rollback.resume': 1,
      'lock.takeover': 1,
      'rollback.app': 1,
      'rollback.finish': 1,
    })
    expect((await p.cli(['audit', 'verify'])).code).toBe(0)
  }, 60_000)
})
