import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

// With an `auth:` block, a local command that changes the state acts as the OS user only (--as is refused,
// exit 2), and under auth.local_cli: read-only it is refused (exit 3, naming --server); reads stay open.

let open: SamplePlatform
let readOnly: SamplePlatform

beforeAll(async () => {
  open = await SamplePlatform.create({ configText: singleAppConfig() + 'auth: {}\n' })
  readOnly = await SamplePlatform.create({ configText: singleAppConfig() + 'auth:\n  local_cli: read-only\n' })
  for (const p of [open, readOnly]) {
    await p.deploy('staff', 'v1')
    expect((await p.cli(['init'])).code).toBe(0)
  }
})

afterAll(async () => {
  await open?.destroy()
  await readOnly?.destroy()
})

describe('local commands under auth', () => {
  it('refuses --as on a command that changes the state, and accepts it on a read', async () => {
    const refused = await open.cli(['--as', 'someone-else', 'snapshot', 'create', 'staff'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--as is refused when the configuration has an auth block')
    expect((await open.cli(['--json', 'snapshot', 'list'])).stdout).toContain('"snapshots": []')
    expect((await open.cli(['--as', 'someone-else', 'snapshot', 'list'])).code).toBe(0)
    const created = await open.cli(['--json', 'snapshot', 'create', 'staff'], { env: { LASTGOOD_ACTOR: 'claimed' } })
    expect(created.code).toBe(0)
    // The OS user, not a name from the environment, is who acted.
    expect(JSON.parse(created.stdout).snapshots[0].actor).not.toBe('claimed')
  })

  it('under local_cli: read-only, refuses a change (exit 3, naming --server) and changes nothing; reads work', async () => {
    const refused = await readOnly.cli(['snapshot', 'create', 'staff'])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('auth.local_cli is read-only')
    expect(refused.stderr).toContain('--server')
    const list = await readOnly.cli(['--json', 'snapshot', 'list'])
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout).snapshots).toEqual([])
    expect((await readOnly.cli(['status'])).code).toBe(0)
  })
})
