import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readlink, writeFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { RunbookFixture } from './runbook-fixture.js'

/** staff (a release) and inventory (a release and a data component: records.json behind a command provider). */
const CONFIG = `version: 1
platform: test
defaults:
  health: { interval: 1s, timeout: 2s }
  rollback: { validation: { window: 10s, passes: 2, interval: 200ms } }
apps:
  staff:
    priority: 1
    health: { checks: [{ name: health, url: "http://127.0.0.1:\${CLINIC_STAFF_PORT}/health" }] }
    components:
      release: { provider: local-release, path: ./apps/staff }
  inventory:
    priority: 2
    health: { checks: [{ name: health, url: "http://127.0.0.1:\${CLINIC_INVENTORY_PORT}/health" }] }
    components:
      release: { provider: local-release, path: ./apps/inventory }
      records:
        provider: command
        data: true
        current: cat data/version
        capture: cat data/records.json
        restore: |
          date +%s%3N >> data/restores.log
          node -e 'const fs = require("fs"); fs.writeFileSync("data/records.json", JSON.parse(fs.readFileSync(0, "utf8")).captured)'
notifications:
  channels:
    it-team: { type: webhook, url: "http://127.0.0.1:9/it", secret: "0123456789abcdef-it" }
    security: { type: webhook, url: "http://127.0.0.1:9/security", secret: "0123456789abcdef-sec" }
  incidents: [it-team]
runbooks:
  security_incident:
    - step: preserve_evidence
      logs: [logs]
    - step: isolate
      run: |
        date +%s%3N > maintenance.flag
        echo "ISOLATED: traffic blocked" >> logs/access.log
        echo "isolated $LASTGOOD_INCIDENT type=$LASTGOOD_INCIDENT_TYPE scope=$LASTGOOD_SCOPE platform=$LASTGOOD_PLATFORM"
    - step: notify
      channels: [security]
    - step: rollback
  data_corruption:
    - step: preserve_evidence
    - step: stop_writes
      run: date +%s%3N > data/stop-writes.flag
    - step: restore_data
  performance_degradation:
    - step: command
      name: flush-cache
      run: exit 3
      on_failure: continue
    - step: command
      name: drain
      run: echo draining; echo "token=supersecretvalue boom" >&2; exit 4
      on_failure: stop
    - step: command
      name: never
      run: touch never-ran
  data_breach_suspected:
    - step: restore_data
`

let f: RunbookFixture
afterEach(async () => {
  await f?.destroy()
})

async function setup(): Promise<RunbookFixture> {
  return RunbookFixture.create(CONFIG, async (s) => {
    await s.deploy('staff', 'v1')
    await s.deploy('inventory', 'v1')
    await mkdir(`${s.dir}/data`, { recursive: true })
    await writeFile(`${s.dir}/data/version`, 'schema-7\n')
    await writeFile(`${s.dir}/data/records.json`, '{"patients":3}')
    await s.start(['staff', 'inventory'])
  })
}

async function snapshotAll(fx: RunbookFixture): Promise<void> {
  const r = await fx.sample.cli(['--json', 'snapshot', 'create', 'staff', 'inventory'])
  expect(r.code, r.stderr).toBe(0)
  for (const s of JSON.parse(r.stdout).snapshots) expect(s.knownGood).toBe(true)
}

describe('runbooks', () => {
  it('security_incident: evidence is kept and hashed into the audit chain before the isolate hook changes anything', async () => {
    f = await setup()
    await mkdir(f.path('logs'), { recursive: true })
    const before = 'GET /records 200 from 203.0.113.66\n'
    await writeFile(f.path('logs/access.log'), before)
    await snapshotAll(f)
    await f.sample.deploy('staff', 'v2-compromised')
    const incident = await f.declare('security_incident', ['staff'])

    const result = await f.run(incident)
    expect(result.outcome, JSON.stringify(result.steps, null, 1)).toBe('succeeded')
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['preserve_evidence', 'succeeded'],
      ['isolate', 'succeeded'],
      ['notify', 'succeeded'],
      ['rollback', 'succeeded'],
    ])

    // The log changed after the evidence was taken; the copy in the repository holds the old content.
    expect(await f.read('logs/access.log')).toContain('ISOLATED')
    const timeline = await f.timeline(incident.id)
    const evidence = timeline.find((e) => e.kind === 'evidence')!
    const manifestId = evidence.data.manifest as string
    const manifest = JSON.parse(Buffer.from(await f.p.repository.getBlob(manifestId)).toString('utf8'))
    expect(
      createHash('sha256')
        .update(Buffer.from(await f.p.repository.getBlob(manifestId)))
        .digest('hex'),
    ).toBe(manifestId)
    expect(manifest).toMatchObject({ incident: incident.id, snapshots: [{ app: 'staff' }] })
    const log = manifest.logs.find((l: { path: string }) => l.path.endsWith('logs/access.log'))
    expect(Buffer.from(await f.p.repository.getBlob(log.blob)).toString('utf8')).toBe(before)
    expect(log.sha256).toBe(createHash('sha256').update(before).digest('hex'))
    // The emergency snapshot is of the compromised state, labelled with the incident, and never known good.
    const snaps = JSON.parse((await f.sample.cli(['--json', 'snapshot', 'list', 'staff'])).stdout).snapshots
    expect(snaps.find((s: { id: string }) => s.id === manifest.snapshots[0].id)).toMatchObject({
      kind: 'emergency',
      label: incident.id,
      knownGood: false,
    })

    // The evidence hash is in the chain before the isolate step, and the hook ran after the evidence was kept.
    const audit = await f.audit(incident.id)
    const evidenceSeq = audit.find((a) => a.action === 'incident.evidence' && a.details.manifest === manifestId)!.seq
    const isolateSeq = audit.find((a) => a.action === 'incident.runbook.step' && a.details.step === 'isolate')!.seq
    expect(evidenceSeq).toBeLessThan(isolateSeq)
    expect(Number(await f.read('maintenance.flag'))).toBeGreaterThanOrEqual(Date.parse(evidence.at))
    const isolate = result.steps[1]!
    expect(isolate.data).toMatchObject({ exitCode: 0, output: `isolated ${incident.id} type=security_incident scope=staff platform=test` })
    expect(Date.parse(isolate.startedAt)).toBeGreaterThanOrEqual(Date.parse(result.steps[0]!.endedAt))

    // The rollback restored the last known good release, as one run on the timeline, told to the audience.
    expect(await readlink(f.path('apps/staff/current'))).toBe('releases/v1')
    expect(timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['runbook.started', 'evidence', 'runbook.step', 'rollback.started', 'rollback.done', 'runbook.finished']),
    )
    const queued = await f.queued(incident.id)
    // The status update at the move to monitoring acknowledges the PagerDuty alert the declaration triggered.
    expect(queued.filter((m) => m.channel === 'security').map((m) => `${m.kind}:${m.lifecycle}`)).toEqual([
      'incident_declared:trigger',
      'rollback_initiated:trigger',
      'rollback_complete:trigger',
      'status_update:acknowledge',
    ])
    expect(queued.find((m) => m.kind === 'rollback_complete')!.text).toContain('System Status: OPERATIONAL')
    expect((await f.incident(incident.id)).status).toBe('monitoring')
    expect((await f.incident(incident.id)).audience).toEqual(['it-team', 'security'])
    const verify = await f.sample.cli(['audit', 'verify'])
    expect(verify.code, verify.stderr + verify.stdout).toBe(0)
  }, 60_000)

  it('data_corruption: writes are stopped before the data component is restored; the release is left alone', async () => {
    f = await setup()
    await snapshotAll(f)
    await f.sample.deploy('inventory', 'v2')
    await writeFile(f.path('data/records.json'), 'CORRUPTED')
    const incident = await f.declare('data_corruption', ['inventory'])
    const result = await f.run(incident)
    expect(result.outcome, JSON.stringify(result.steps, null, 1)).toBe('succeeded')
    expect(await f.read('data/records.json')).toBe('{"patients":3}')
    const stopped = Number(await f.read('data/stop-writes.flag'))
    const restored = Number((await f.read('data/restores.log')).trim().split('\n')[0])
    expect(stopped).toBeLessThanOrEqual(restored)
    expect(result.steps[2]!.data).toMatchObject({
      status: 'succeeded',
      apps: [{ app: 'inventory', outcome: 'restored', to: { records: 'schema-7' } }],
    })
    expect(await readlink(f.path('apps/inventory/current'))).toBe('releases/v2')
  }, 60_000)

  it('a rollback leaves a data component alone unless it is named', async () => {
    f = await setup()
    await snapshotAll(f)
    await f.sample.deploy('inventory', 'v2')
    await writeFile(f.path('data/records.json'), '{"patients":4}')
    await writeFile(f.path('data/version'), 'schema-8\n')
    const plain = await f.sample.cli(['--json', 'rollback', 'inventory', '--reason', 'v2 is broken', '--yes'])
    expect(plain.code, plain.stderr).toBe(0)
    expect(JSON.parse(plain.stdout).plan[0].components.map((c: { name: string }) => c.name)).toEqual(['release'])
    expect(await readlink(f.path('apps/inventory/current'))).toBe('releases/v1')
    expect(await f.read('data/records.json')).toBe('{"patients":4}')
    const named = await f.sample.cli([
      '--json',
      'rollback',
      'inventory',
      '--component',
      'records',
      '--reason',
      'records lost a row',
      '--yes',
    ])
    expect(named.code, named.stderr).toBe(0)
    expect(await f.read('data/records.json')).toBe('{"patients":3}')
  }, 60_000)

  it('restore_data with no data component in scope fails and says to mark one data: true', async () => {
    f = await setup()
    const incident = await f.declare('data_breach_suspected', ['staff'])
    const result = await f.run(incident)
    expect(result.outcome).toBe('stopped')
    expect(result.steps[0]!.detail).toContain('`data: true`')
    expect(f.escalations).toHaveLength(1)
  }, 30_000)

  it('a failed continue step goes on; a failed stop step escalates, and later steps do not run', async () => {
    f = await setup()
    const incident = await f.declare('performance_degradation', ['staff'])
    const levelBefore = (await f.incident(incident.id)).level
    const result = await f.run(incident)
    expect(result.outcome).toBe('stopped')
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['flush-cache', 'failed'],
      ['drain', 'failed'],
      ['never', 'skipped'],
    ])
    expect(result.steps[0]!.detail).toContain('exited with 3')
    expect(result.steps[1]!.data).toMatchObject({ exitCode: 4, output: 'draining\ntoken=*** boom' })
    expect(existsSync(f.path('never-ran'))).toBe(false)
    expect(f.escalations).toEqual([expect.stringContaining('drain failed')])
    const after = await f.incident(incident.id)
    expect(after.level).toBe(levelBefore + 1)
    expect(after.status).toBe('mitigating')
    const failures = (await f.queued(incident.id)).filter((m) => m.kind === 'runbook_step_failed')
    expect(failures.map((m) => m.text)).toEqual([
      expect.stringContaining('goes on with the next step'),
      expect.stringContaining('the runbook stopped'),
    ])
    const steps = (await f.timeline(incident.id)).filter((e) => e.kind === 'runbook.step').map((e) => e.data.outcome)
    expect(steps).toEqual(['failed', 'failed'])
  }, 30_000)
})
