import { afterAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

let p: SamplePlatform | undefined
afterAll(async () => {
  await p?.destroy()
})

const UNHEARD = 'no channel was told of this incident: notifications.incidents and escalation level 1 name none'

describe('an incident no channel hears', () => {
  it('opened by the monitor escalating: its event, its timeline and incident show say that nobody was told', async () => {
    // No notifications configured: the seeds' escalation levels have no channel to tell.
    p = await SamplePlatform.create({
      configText: singleAppConfig({ extra: '    triggers:\n      health: { kind: health_failures, consecutive: 1, action: escalate }\n' }),
    })
    await p.deploy('staff', 'v1', { healthy: false })
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)

    const m = await p.cli(['--json', 'monitor', '--once'])
    expect(m.code, m.stderr).toBe(0)
    const escalated = (JSON.parse(m.stdout).events as { type: string; message: string; data: Record<string, unknown> }[]).find(
      (e) => e.type === 'escalation.recorded',
    )
    expect(escalated?.message).toContain(`; ${UNHEARD}, nor does any later level: tell the people on call yourself`)
    expect(escalated?.data.unheard).toMatch(/^no channel was told/)

    const id = String(escalated?.data.incident)
    const json = JSON.parse((await p.cli(['--json', 'incident', 'show', id])).stdout)
    expect(json.incident.audience).toEqual([])
    expect(json.timeline).toContainEqual(expect.objectContaining({ kind: 'unheard', message: expect.stringContaining(UNHEARD) }))
    const human = await p.cli(['incident', 'show', id])
    expect(human.stdout).toMatch(/audience: +NO CHANNEL has been told of this incident \(see the timeline\)/)
    expect(human.stdout).toMatch(/unheard +lastgood-monitor +no channel was told/)
    expect((await p.cli(['audit', 'verify'])).code).toBe(0)
  }, 60_000)
})
