import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

let p: SamplePlatform | undefined
let socket: Server | undefined
afterAll(async () => {
  socket?.close()
  await p?.destroy()
})

describe('warnings in human output', () => {
  it('are one line a person reads, never a raw JSON log line; LASTGOOD_LOG asks for JSON lines', async () => {
    p = await SamplePlatform.create({ configText: singleAppConfig() })
    await p.deploy('staff', 'v1')
    expect((await p.cli(['init'])).code).toBe(0)
    // A socket in the release cannot be captured: lastgood leaves it out and warns.
    const release = join(p.dir, 'apps/staff/releases/v1')
    socket = createServer()
    await new Promise<void>((resolve) => socket!.listen(join(release, 'app.sock'), resolve))

    const human = await p.cli(['snapshot', 'create', 'staff'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stderr).toMatch(/^lastgood: warning: left out of the capture: .+\(component=release path=app\.sock\)$/m)
    expect(human.stderr.split('\n').filter((l) => l.trimStart().startsWith('{'))).toEqual([])

    const logged = await p.cli(['snapshot', 'create', 'staff'], { env: { LASTGOOD_LOG: 'warn' } })
    expect(logged.code, logged.stderr).toBe(0)
    const line = logged.stderr.split('\n').find((l) => l.startsWith('{'))
    expect(JSON.parse(line ?? 'null')).toMatchObject({ level: 40, component: 'release', path: 'app.sock' })
  }, 60_000)
})
