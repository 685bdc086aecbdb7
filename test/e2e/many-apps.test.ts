import { afterAll, describe, expect, it } from 'vitest'
import { manyAppsConfig } from '../../src/demo/many-apps-config.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'

let p: SamplePlatform | undefined
afterAll(async () => {
  await p?.destroy()
})

/** `n` apps, each with one health check, all on the one sample app `staff` serves. */
function manyApps(n: number): string {
  const names = ['staff', ...Array.from({ length: n - 1 }, (_, i) => `app-${i + 1}`)]
  return manyAppsConfig('many', names, '  health:\n    interval: 1s\n    timeout: 5s\n')
}

describe('a monitor of many apps', () => {
  it('probes 500 apps in one round with no listener warning on stderr', async () => {
    p = await SamplePlatform.create({ configText: manyApps(500) })
    await p.deploy('staff', 'v1')
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)
    const r = await p.cli(['--json', 'monitor', '--once'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/)
    const events = JSON.parse(r.stdout).events as { type: string; app?: string }[]
    expect(events[0]).toMatchObject({ type: 'monitor.started' })
    expect(r.stderr).toBe('')
  }, 60_000)
})
