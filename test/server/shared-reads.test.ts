import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAudit } from '../../src/audit/audit-log.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import { SharedReads } from '../../src/server/shared-reads.js'
import { singleAppConfig } from '../helpers/configs.js'

let sample: SamplePlatform
let p: Platform

beforeAll(async () => {
  sample = await SamplePlatform.create({ configText: singleAppConfig() })
  expect((await sample.cli(['init'])).code).toBe(0)
  p = await withEnv(sample.env, () => openPlatform(sample.configFile))
})

afterAll(async () => {
  await p?.close()
  await sample?.destroy()
})

/** A read that counts its computations and answers with their number. */
function counter() {
  let n = 0
  return {
    compute: async () => ++n,
    get count() {
      return n
    },
  }
}

describe('shared reads', () => {
  it('one computation serves every caller within a second; then the old answer is given while one successor is computed', async () => {
    let now = 0
    const shared = new SharedReads(p, () => now)
    const c = counter()
    expect(await Promise.all([shared.get('k', c.compute), shared.get('k', c.compute), shared.get('k', c.compute)])).toEqual([1, 1, 1])
    now = 900
    expect(await shared.get('k', c.compute)).toBe(1)
    now = 1500
    // Stale: the answer before, at once, and one refresh started for everyone (a caller after it may get it).
    const [first, second] = await Promise.all([shared.get('k', c.compute), shared.get('k', c.compute), shared.get('k', c.compute)])
    expect(first).toBe(1)
    expect([1, 2]).toContain(second)
    await new Promise((r) => setTimeout(r, 10))
    expect(c.count).toBe(2)
    expect(await shared.get('k', c.compute)).toBe(2)
    // Too old to give: everyone waits for the next.
    now = 10_000
    expect(await shared.get('k', c.compute)).toBe(3)
    expect(await shared.get('other', c.compute)).toBe(4)
  })

  it('never gives an answer from before a recorded change, and never keeps a failure', async () => {
    let now = 0
    const shared = new SharedReads(p, () => now)
    const c = counter()
    expect(await shared.get('k', c.compute)).toBe(1)
    await appendAudit(p.state, { actor: 'tester', action: 'test.change', target: 'k', outcome: 'success' })
    now = 10
    expect(await shared.get('k', c.compute)).toBe(2)
    let fail = true
    const flaky = async () => {
      if (fail) throw new Error('probe failed')
      return 'ok'
    }
    await expect(shared.get('f', flaky)).rejects.toThrow('probe failed')
    fail = false
    expect(await shared.get('f', flaky)).toBe('ok')
  })
})
