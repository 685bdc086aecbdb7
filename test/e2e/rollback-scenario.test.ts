import { mkdir, readFile, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { rollbackTargetsConfig } from '../helpers/configs.js'
import { unfold } from '../helpers/unfold.js'

/**
 * A person's rollback gets its scenario (--scenario, default partial_functionality_loss; data_corruption when
 * it restores data) and the decision matrix's decision is recorded in rollback.start and --json; where the matrix
 * wants an approval the rollback is a request until another person approves it (test/approvals/ has every rule).
 */

let p: SamplePlatform | undefined
afterEach(async () => {
  await p?.destroy()
  p = undefined
})

async function json(sp: SamplePlatform, args: string[]) {
  const r = await sp.cli(['--json', ...args])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

async function startEvents(sp: SamplePlatform) {
  const { events } = await json(sp, ['audit', 'log'])
  return (events as { action: string; details: Record<string, unknown> }[]).filter((e) => e.action === 'rollback.start')
}

describe("a person's rollback in the clinic example (the seeds' matrix)", () => {
  it('is partial_functionality_loss by default, takes --scenario, and records the decision in the audit event and --json', async () => {
    const sp = (p = await SamplePlatform.create())
    await sp.deploy('staff', 'v1')
    await sp.start(['staff'])
    expect((await sp.cli(['init'])).code).toBe(0)
    await json(sp, ['snapshot', 'create', 'staff', '--kind', 'pre-deploy'])
    await sp.deploy('staff', 'v2', { healthy: false })

    const preview = await json(sp, ['rollback', 'staff', '--reason', 'v2 is broken', '--dry-run'])
    expect(preview.decision).toEqual({
      scenario: 'partial_functionality_loss',
      rollback: 'manual',
      targetMs: 600_000,
      approval: { required: true, permission: 'approve:partial_functionality_loss', approvers: 1 },
      flagged: false,
      basis: 'matrix',
    })
    const human = await sp.cli(['rollback', 'staff', '--reason', 'v2 is broken', '--dry-run'])
    expect(unfold(human.stdout)).toContain(
      'scenario partial_functionality_loss: manual rollback, target 10m, approval by a holder of approve:partial_functionality_loss',
    )

    const asked = await sp.cli(['--json', 'rollback', 'staff', '--reason', 'v2 is slow', '--scenario', 'performance_degradation', '--yes'])
    expect(asked.code, asked.stderr).toBe(3)
    const { approval, decision } = JSON.parse(asked.stdout)
    expect(decision).toMatchObject({
      scenario: 'performance_degradation',
      rollback: 'manual',
      targetMs: 300_000,
      approval: { required: true, permission: 'approve:performance_degradation' },
    })
    expect(approval).toMatchObject({ status: 'pending', scenario: 'performance_degradation', decision })
    const ran = await json(sp, ['--as', 'oncall-olga', 'approve', approval.id, '--reason', 'confirmed slow'])
    expect(ran.report.status).toBe('succeeded')
    expect(await readlink(join(sp.dir, 'apps/staff/current'))).toBe('releases/v1')
    const [start] = await startEvents(sp)
    expect(start!.details).toMatchObject({ run: ran.report.run, decision, approval: { id: approval.id, approvedBy: ['oncall-olga'] } })
  })

  it('refuses an unknown --scenario, and --scenario with --resume or --abandon, with exit 2 and nothing written', async () => {
    const sp = (p = await SamplePlatform.create())
    await sp.deploy('staff', 'v1')
    expect((await sp.cli(['init'])).code).toBe(0)
    const before = (await sp.cli(['--json', 'audit', 'log'])).stdout
    const unknown = await sp.cli(['rollback', 'staff', '--reason', 'x', '--scenario', 'outage', '--yes'])
    expect(unknown.code).toBe(2)
    expect(unfold(unknown.stderr)).toContain(
      "option '--scenario <scenario>' argument 'outage' is invalid. Allowed choices are error_rate, performance_degradation",
    )
    const resume = await sp.cli(['rollback', '--resume', 'rb-1', '--reason', 'x', '--scenario', 'emergency', '--yes'])
    expect(resume.code).toBe(2)
    expect(resume.stderr).toContain("--scenario is for a new rollback or --pending: --resume keeps the run's own")
    expect((await sp.cli(['--json', 'audit', 'log'])).stdout).toBe(before)
  })
})

describe('a rollback that restores data', () => {
  it('is data_corruption whatever was named; a row limited to production needs no approval in staging', async () => {
    const matrix = `environment: staging
decision_matrix:
  error_rate: { rollback: automatic, target: 2m, approval: none }
  performance_degradation: { rollback: manual, target: 5m, approval: required }
  security_incident: { rollback: emergency, target: 1m, approval: required }
  data_corruption: { rollback: emergency, target: 30s, approval: required, environments: [production] }
  partial_functionality_loss: { rollback: manual, target: 10m, approval: required }
  emergency: { rollback: emergency, target: rto, approval: none, flagged: true }
`
    const sp = (p = await SamplePlatform.create({ configText: rollbackTargetsConfig(matrix) }))
    await sp.deploy('staff', 'v1')
    await sp.deploy('inventory', 'v1')
    await mkdir(join(sp.dir, 'data'), { recursive: true })
    await writeFile(join(sp.dir, 'data/records.json'), '{"rows":[1,2,3]}')
    await sp.start(['inventory'])
    expect((await sp.cli(['init'])).code).toBe(0)
    await json(sp, ['snapshot', 'create', 'inventory'])
    await writeFile(join(sp.dir, 'data/records.json'), '{"rows":[]}')

    const args = ['rollback', 'inventory', '--component', 'records', '--scenario', 'emergency', '--reason', 'rows lost', '--yes']
    const ran = await json(sp, args)
    expect(ran.report.status).toBe('succeeded')
    expect(await readFile(join(sp.dir, 'data/records.json'), 'utf8')).toBe('{"rows":[1,2,3]}')
    expect(ran.decision).toEqual({
      scenario: 'data_corruption',
      rollback: 'emergency',
      targetMs: 30_000,
      approval: { required: false, permission: 'approve:data_corruption', approvers: 1 },
      flagged: false,
      basis: 'environment',
    })
    const [start] = await startEvents(sp)
    expect(start!.details.decision).toEqual(ran.decision)
  })
})
