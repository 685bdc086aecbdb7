import { execFile } from 'node:child_process'
import { cp, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import type { CommandComponent } from '../../src/providers/command/command-component.js'
import { tempDir } from './temp-config.js'

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/clinic/lastgood.yaml')
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

describe('examples/clinic/lastgood.yaml', () => {
  it("loads with the seeds' figures", async () => {
    const config = await loadConfig(EXAMPLE, {})
    expect(config.file).toBe(EXAMPLE)
    expect(config.dir).toBe(path.dirname(EXAMPLE))
    expect(config.platform).toBe('clinic')
    expect(config.stateDir).toBe(path.join(path.dirname(EXAMPLE), '.lastgood'))
    expect(config.repository).toEqual({
      path: path.join(config.stateDir, 'repo'),
      keyFile: path.join(config.stateDir, 'repository.key'),
      compressionLevel: 3,
    })
    expect(config.apps.map((a) => [a.priority, a.name])).toEqual([
      [1, 'staff'],
      [2, 'inventory'],
      [3, 'handouts'],
      [4, 'medication-auth'],
      [5, 'checkin-kiosk'],
    ])
    for (const app of config.apps) {
      expect(app.health).toMatchObject({ intervalMs: 30_000, timeoutMs: 10_000, failures: 3 })
      expect(app.retention).toEqual({ keepLast: 10, keepWithinMs: 30 * DAY })
      expect(app.rollback).toEqual({ timeoutMs: 10 * MINUTE, validation: { windowMs: 2 * MINUTE, passes: 3, intervalMs: 2000 } })
      expect(app.health.checks).toHaveLength(1)
      expect(app.health.checks[0]).toMatchObject({ method: 'GET', expectStatus: [200], timeoutMs: 10_000 })
      expect(app.components[0]).toMatchObject({
        name: 'release',
        provider: 'local-release',
        path: path.join(config.dir, 'apps', app.name),
        releasesDir: 'releases',
        currentLink: 'current',
        restartTimeoutMs: 60_000,
      })
    }
    expect(config.apps.map((a) => a.health.checks[0]!.url)).toEqual(
      [4101, 4102, 4103, 4104, 4105].map((port) => `http://127.0.0.1:${port}/health`),
    )
    const medication = config.apps.find((a) => a.name === 'medication-auth')!
    expect(medication.components.map((c) => c.name)).toEqual(['release', 'edge-config'])
    expect(medication.components[1]).toMatchObject({
      provider: 'command',
      cwd: config.dir,
      env: { EDGE_DIR: 'apps/medication-auth/edge' },
      artifacts: [path.join(config.dir, 'apps/medication-auth/edge/wrangler.toml')],
      timeoutMs: MINUTE,
    })
  })

  it('takes ports and timings from the environment', async () => {
    const config = await loadConfig(EXAMPLE, {
      CLINIC_STAFF_PORT: '5101',
      CLINIC_MEDICATION_AUTH_PORT: '5104',
      CLINIC_CHECKIN_KIOSK_PORT: '5105',
      CLINIC_HEALTH_INTERVAL: '1s',
      CLINIC_VALIDATION_INTERVAL: '100ms',
      CLINIC_VALIDATION_WINDOW: '5s',
    })
    const url = (name: string) => config.apps.find((a) => a.name === name)!.health.checks[0]!.url
    expect(url('staff')).toBe('http://127.0.0.1:5101/health')
    expect(url('inventory')).toBe('http://127.0.0.1:4102/health')
    expect(url('medication-auth')).toBe('http://127.0.0.1:5104/health')
    expect(url('checkin-kiosk')).toBe('http://127.0.0.1:5105/health')
    for (const app of config.apps) {
      expect(app.health.intervalMs).toBe(1000)
      expect(app.rollback.validation).toEqual({ windowMs: 5000, passes: 3, intervalMs: 100 })
    }
  })

  it('says truly, in its header, what a bad duration reports', async () => {
    const text = await readFile(EXAMPLE, 'utf8')
    const promised = /^#\s+(lastgood\.yaml:\d+:\d+: .*)$/m.exec(text)![1]
    const dir = await tempDir()
    const file = path.join(dir, 'lastgood.yaml')
    await writeFile(file, text.replace('${CLINIC_HEALTH_INTERVAL:-30s}', 'thirty'))
    await expect(loadConfig(file, {})).rejects.toThrow(promised!.replace('lastgood.yaml', file))
  })

  it('edge-config really captures and restores with /bin/sh', async () => {
    const dir = await tempDir()
    await cp(path.dirname(EXAMPLE), dir, { recursive: true })
    const config = await loadConfig(path.join(dir, 'lastgood.yaml'), {})
    const edge = config.apps.find((a) => a.name === 'medication-auth')!.components[1] as CommandComponent
    const edgeDir = path.join(dir, 'apps/medication-auth/edge')
    const original = await readFile(path.join(edgeDir, 'wrangler.toml'), 'utf8')

    expect(await sh(edge, edge.current)).toBe('v1\n')
    const captured = await sh(edge, edge.capture)
    expect(JSON.parse(captured)).toEqual({ version: 'v1', config: original })

    // A deploy of v2 changes both files; restoring the capture brings v1 back.
    await writeFile(path.join(edgeDir, 'wrangler.toml'), 'name = "broken"\n')
    await writeFile(path.join(edgeDir, 'version'), 'v2\n')
    expect(await sh(edge, edge.current)).toBe('v2\n')
    await sh(edge, edge.restore, envelope(captured))
    expect(await sh(edge, edge.current)).toBe('v1\n')
    expect(await readFile(path.join(edgeDir, 'wrangler.toml'), 'utf8')).toBe(original)
    expect(await sh(edge, edge.capture)).toBe(captured)
  })

  it('edge-config works where the edge directory does not exist yet', async () => {
    const dir = await tempDir()
    await cp(path.join(path.dirname(EXAMPLE), 'lastgood.yaml'), path.join(dir, 'lastgood.yaml'))
    const config = await loadConfig(path.join(dir, 'lastgood.yaml'), {})
    const edge = config.apps.find((a) => a.name === 'medication-auth')!.components[1] as CommandComponent
    expect(await sh(edge, edge.current)).toBe('none\n')
    const empty = await sh(edge, edge.capture)
    expect(JSON.parse(empty)).toEqual({ version: 'none', config: null })
    await sh(edge, edge.restore, envelope(JSON.stringify({ version: 'v7', config: 'name = "x"\n' })))
    expect(await sh(edge, edge.current)).toBe('v7\n')
    await sh(edge, edge.restore, envelope(empty))
    expect(await sh(edge, edge.current)).toBe('none\n')
  })
})

const exec = promisify(execFile)

/** What the command provider writes on the stdin of `restore` (src/providers/command/command-provider.ts). */
function envelope(captured: string): string {
  return JSON.stringify({ app: 'medication-auth', component: 'edge-config', version: 'v1', captured, artifacts: [] })
}

async function sh(c: CommandComponent, command: string, stdin?: string): Promise<string> {
  const child = exec('/bin/sh', ['-c', command], { cwd: c.cwd, env: { ...process.env, ...c.env }, timeout: c.timeoutMs })
  // A command that does not read stdin may exit before the write: that is not the test's failure.
  child.child.stdin?.on('error', () => {})
  child.child.stdin?.end(stdin ?? '')
  const { stdout } = await child
  return stdout
}
