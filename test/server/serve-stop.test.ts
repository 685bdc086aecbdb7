import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { ServeProcess } from './serve-process.js'

let p: SamplePlatform | undefined

afterAll(async () => {
  await p?.destroy()
})

function steps(sp: SamplePlatform): { name: string; status: string }[] {
  const db = new Database(join(sp.dir, '.lastgood/state.db'), { readonly: true })
  try {
    return db.prepare('select name, status from rollback_steps order by seq').all() as { name: string; status: string }[]
  } finally {
    db.close()
  }
}

describe('lastgood serve stopped mid-rollback', () => {
  it('on SIGTERM during a restore finishes that step, journals where it stopped, and exits 0', async () => {
    // The restore's restart takes 2 s: long enough to be caught running.
    p = await SamplePlatform.create({
      configText: singleAppConfig({
        restart: 'sleep 2',
        extra: '    triggers:\n      health: { kind: health_failures, action: rollback }\n',
      }),
    })
    await p.deploy('staff', 'v1')
    await p.startApp('staff')
    expect((await p.cli(['init'])).code).toBe(0)
    expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
    await p.deploy('staff', 'v2', { healthy: false })
    const s = await ServeProcess.start(p)
    const until = Date.now() + 30_000
    while (!steps(p).some((x) => x.name === 'restore' && x.status === 'running')) {
      if (Date.now() > until) throw new Error(`no restore started in 30 s: ${s.stderr}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const stopped = await s.stop('SIGTERM')
    expect(stopped).toMatchObject({ code: 0, signal: null })
    expect(stopped.ms).toBeLessThan(10_000)
    // The running step finished; nothing after it started.
    expect(steps(p).map((x) => `${x.name}:${x.status}`)).toEqual(['verify:succeeded', 'safety-snapshot:succeeded', 'restore:succeeded'])
    const events = s.logs().map((l) => l.event)
    expect(events).toContain('rollback.interrupted')
    expect(events.at(-1)).toBe('monitor.stopped')
  }, 45_000)
})
