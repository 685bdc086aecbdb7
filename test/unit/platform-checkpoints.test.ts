import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendAudit } from '../../src/audit/audit-log.js'
import { UserError } from '../../src/core/errors.js'
import { initPlatform } from '../../src/platform/init-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { tempDir } from '../repository/helpers.js'

let dir: string
let configFile: string
const savedEnv = { CLINIC_STAFF_PORT: process.env.CLINIC_STAFF_PORT, LASTGOOD_LOG: process.env.LASTGOOD_LOG }
beforeEach(async () => {
  process.env.CLINIC_STAFF_PORT = '1'
  process.env.LASTGOOD_LOG = 'silent'
  dir = await tempDir()
  configFile = join(dir, 'lastgood.yaml')
  await writeFile(configFile, singleAppConfig({ extra: 'audit:\n  checkpoint_file: ./checkpoints.jsonl\n' }))
})
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

async function checkpointSeqs(): Promise<number[]> {
  const p = await openPlatform(configFile)
  try {
    return (await p.repository.listCheckpoints()).checkpoints.map((c) => c.seq)
  } finally {
    await p.close()
  }
}

describe('checkpoints written by the composition root (RELIABILITY case 11)', () => {
  it('init writes the first; a command that appended writes one at close; one that did not writes none', async () => {
    await initPlatform({ configFile, actor: 'alice' })
    expect(await checkpointSeqs()).toEqual([1])
    const p = await openPlatform(configFile)
    await appendAudit(p.state, { actor: 'alice', action: 'x', target: 'staff', outcome: 'success' })
    await appendAudit(p.state, { actor: 'alice', action: 'y', target: 'staff', outcome: 'success' })
    await p.close()
    expect(await checkpointSeqs()).toEqual([1, 3])
    const copies = (await readFile(join(dir, 'checkpoints.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seq)
    expect(copies).toEqual([1, 3])
  })

  it('a checkpoint that cannot be copied does not fail the command; the repository one is still written', async () => {
    await initPlatform({ configFile, actor: 'alice' })
    await writeFile(configFile, singleAppConfig({ extra: 'audit:\n  checkpoint_file: ./missing-dir/checkpoints.jsonl\n' }))
    const p = await openPlatform(configFile)
    await appendAudit(p.state, { actor: 'alice', action: 'x', target: 'staff', outcome: 'success' })
    await expect(p.close()).resolves.toBeUndefined()
    expect(await checkpointSeqs()).toEqual([1, 2])
  })

  it('init refuses a checkpoint file in a directory that does not exist, before creating anything', async () => {
    await writeFile(configFile, singleAppConfig({ extra: 'audit:\n  checkpoint_file: ./missing-dir/checkpoints.jsonl\n' }))
    await expect(initPlatform({ configFile, actor: 'alice' })).rejects.toBeInstanceOf(UserError)
    await expect(readFile(join(dir, '.lastgood/state.db'))).rejects.toThrow(/ENOENT/)
  })
})
