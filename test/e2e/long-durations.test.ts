import { type ChildProcess, spawn } from 'node:child_process'
import { readFile, readlink, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'

const DAY = 86_400_000
let p: SamplePlatform
let counter: Server
let probes = 0
const children: ChildProcess[] = []

// After its first round, at once, the monitor's rounds fall on multiples of the health interval: one whose next
// multiple is over 30 days away, which Node's own setTimeout would have fired at once.
const intervalDays = [...Array(300).keys()]
  .map((i) => 365 - i)
  .find((d) => Math.ceil(Date.now() / (d * DAY)) * d * DAY - Date.now() > 30 * DAY)!

/**
 * staff with a health trigger, a rollback timeout of a year and a health interval of several hundred days;
 * its second check is a server here that counts probes. v1 running and snapshotted (known good), v2 deployed.
 */
beforeAll(async () => {
  counter = createServer((_, res) => {
    probes++
    res.end('ok')
  })
  await new Promise<void>((ok) => counter.listen(0, '127.0.0.1', ok))
  p = await SamplePlatform.create({
    configText: CONFIG.replace('INTERVAL', `${intervalDays}d`),
    env: { COUNTER_PORT: String((counter.address() as AddressInfo).port) },
  })
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  await p.deploy('staff', 'v2')
})

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL')
      await new Promise((ok) => c.once('exit', ok))
    }
  }
})

afterAll(async () => {
  await p?.destroy()
  await new Promise((ok) => counter.close(ok))
})

const CONFIG = `version: 1
platform: test
defaults:
  rollback:
    timeout: 365d
apps:
  staff:
    priority: 1
    health:
      interval: INTERVAL
      timeout: 2s
      checks:
        - name: health
          url: http://127.0.0.1:\${CLINIC_STAFF_PORT}/health
        - name: counter
          url: http://127.0.0.1:\${COUNTER_PORT}/
    components:
      release:
        provider: local-release
        path: ./apps/staff
    rollback:
      validation: { window: 30s, passes: 2, interval: 250ms }
    triggers:
      health: { kind: health_failures, action: rollback }
`

/** A long-running command (watch, monitor) with its output collected. */
function start(sp: SamplePlatform, args: string[]): { child: ChildProcess; out: () => string } {
  let out = ''
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/lastgood.cjs'), '--config', sp.configFile, ...args], {
    cwd: sp.dir,
    env: { ...process.env, LASTGOOD_ACTOR: 'tester', ...sp.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  children.push(child)
  return { child, out: () => out }
}

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
const snapshots = async (sp: SamplePlatform) =>
  JSON.parse((await sp.cli(['--json', 'snapshot', 'list', 'staff'])).stdout).snapshots as { kind: string; knownGood: boolean }[]

/** Waits for `text` in the command's output; then the command has had `ms` more to misbehave. */
async function settled(cmd: { child: ChildProcess; out: () => string }, text: string, ms: number): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!cmd.out().includes(text) && running(cmd.child) && Date.now() < deadline) await pause(50)
  expect(cmd.out()).toContain(text)
  await pause(ms)
  expect(running(cmd.child), cmd.out()).toBe(true)
  expect(cmd.out()).not.toContain('TimeoutOverflowWarning')
}

describe('case 18: every duration at its maximum, and just above it', () => {
  it('--since accepts a century back; past it, exit 2 naming --since', async () => {
    const century = await p.cli(['--json', 'audit', 'log', '--since', '36525d'])
    expect(century.code, century.stderr).toBe(0)
    const above = await p.cli(['audit', 'log', '--since', '36525d1ms'])
    expect(above.code).toBe(2)
    expect(above.stderr.trim()).toBe('lastgood: --since: at most 36525d, got "36525d1ms"')
  })

  it('watch --for 365d soaks (it does not vouch for the release at once); 365d1ms exits 2 naming --for', async () => {
    const before = (await snapshots(p)).length
    const above = await p.cli(['watch', 'staff', '--for', '365d1ms'])
    expect(above.code).toBe(2)
    expect(above.stderr.trim()).toBe('lastgood: --for: at most 365d, got "365d1ms"')

    const watch = start(p, ['watch', 'staff', '--for', '365d'])
    await settled(watch, 'watching staff', 2000)
    expect(watch.out()).not.toMatch(/known good|inconclusive/)
    // Its own capture of v2 only (the refused one captured nothing), and not known good.
    const after = await snapshots(p)
    expect(after).toHaveLength(before + 1)
    expect(after.filter((s) => s.kind === 'deploy' && s.knownGood)).toEqual([])
  })

  it(`health.interval: several hundred days (${intervalDays}d here) probes once at start, then when due, not in a tight loop`, async () => {
    const seen = probes
    const monitor = start(p, ['monitor', 'staff'])
    await settled(monitor, 'monitoring staff', 0)
    for (let i = 0; i < 200 && probes === seen; i++) await pause(50)
    expect(probes - seen, 'the first round runs at once').toBe(1)
    await pause(2000)
    expect(probes - seen, monitor.out()).toBe(1)
  })

  it('rollback.timeout: 365d lets a rollback finish; 365d1ms exits 2 naming the path and line, and changes nothing', async () => {
    const r = await p.cli(['--json', 'rollback', 'staff', '--reason', 'v2 is bad', '--yes'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).report.status).toBe('succeeded')
    expect(await readlink(join(p.dir, 'apps/staff/current'))).toBe('releases/v1')

    await p.deploy('staff', 'v3')
    await writeFile(p.configFile, (await readFile(p.configFile, 'utf8')).replace('timeout: 365d', 'timeout: 365d1ms'))
    const validate = await p.cli(['validate'])
    expect(validate.code).toBe(2)
    expect(validate.stderr).toContain('lastgood.yaml:5:14: defaults.rollback.timeout: at most 365d, got "365d1ms"')
    const refused = await p.cli(['rollback', 'staff', '--reason', 'v3 is bad', '--yes'])
    expect(refused.code).toBe(2)
    expect(await readlink(join(p.dir, 'apps/staff/current'))).toBe('releases/v3')
  })
})
