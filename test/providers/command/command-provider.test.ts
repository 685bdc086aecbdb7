import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { CommandComponent } from '../../../src/providers/command/command-component.js'
import { IntegrityError, OperationFailedError, UserError } from '../../../src/core/errors.js'
import { commandProvider as provider } from '../../../src/providers/command/command-provider.js'
import type { CommandBody } from '../../../src/providers/command/command-body.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { describeTree, testContext, useTempDirs } from '../fixtures.js'

const tempDir = useTempDirs()
const KV_V1 = '{"flags":{"newCheckout":false},"note":"é 日本"}'
let svc: string
let blobs: MemoryBlobStore
const ctx = () => testContext(blobs, { app: 'clinic', component: 'edge' })

/** Puts back what it is given, the way a team's wrangler or Terraform wrapper would, and records what it saw. */
const RESTORE_SCRIPT = `
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
const input = JSON.parse(readFileSync(0, 'utf8'))
writeFileSync('restore-input.json', JSON.stringify(input))
const seen = input.artifacts.map((a) => ({ ...a, existed: existsSync(a.restored), dir: statSync(a.restored).isDirectory() }))
writeFileSync('restore-seen.json', JSON.stringify(seen))
for (const a of input.artifacts) {
  rmSync(a.path, { recursive: true, force: true })
  cpSync(a.restored, a.path, { recursive: true })
}
writeFileSync('state/kv.json', input.captured)
writeFileSync('state/version', input.version + '\\n')
`

function component(overrides: Partial<CommandComponent> = {}): CommandComponent {
  return {
    name: 'edge',
    provider: 'command',
    current: 'cat state/version',
    capture: 'cat state/kv.json',
    restore: `env | grep -E '^(LASTGOOD_|DEPLOY_ENV)' | sort > restore-env.txt && "${process.execPath}" restore.mjs`,
    artifacts: [join(svc, 'config/app.toml'), join(svc, 'assets')],
    timeoutMs: 10_000,
    cwd: svc,
    env: { DEPLOY_ENV: 'test' },
    ...overrides,
  }
}

beforeEach(async () => {
  svc = await tempDir()
  blobs = new MemoryBlobStore()
  await mkdir(join(svc, 'state'))
  await mkdir(join(svc, 'config'))
  await mkdir(join(svc, 'assets/sub'), { recursive: true })
  await writeFile(join(svc, 'state/version'), 'v1\n')
  await writeFile(join(svc, 'state/kv.json'), KV_V1)
  await writeFile(join(svc, 'config/app.toml'), 'workers = 4\n', { mode: 0o640 })
  await writeFile(join(svc, 'assets/a.txt'), 'asset a\n')
  await writeFile(join(svc, 'assets/sub/b.txt'), 'asset b\n')
  await writeFile(join(svc, 'restore.mjs'), RESTORE_SCRIPT)
})

async function deployV2(): Promise<void> {
  await writeFile(join(svc, 'state/version'), 'v2\n')
  await writeFile(join(svc, 'state/kv.json'), '{"flags":{"newCheckout":true}}')
  await writeFile(join(svc, 'config/app.toml'), 'workers = 16\n')
  await chmod(join(svc, 'config/app.toml'), 0o644)
  await rm(join(svc, 'assets/a.txt'))
  await writeFile(join(svc, 'assets/new.txt'), 'new\n')
}

describe('command provider end to end with real sh scripts', () => {
  it('current, capture, preview and restore with JSON on stdin, artifacts restored and passed', async () => {
    const config = await describeTree(join(svc, 'config'))
    const assets = await describeTree(join(svc, 'assets'))
    expect(await provider.current(component(), ctx())).toEqual({ version: 'v1' })

    const m = await provider.capture(component(), ctx())
    const body = m.body as CommandBody
    expect(m).toMatchObject({ provider: 'command', version: 'v1', summary: { files: 3, bytes: 12 + 8 + 8 + Buffer.byteLength(KV_V1) } })
    expect(body.stdoutBytes).toBe(Buffer.byteLength(KV_V1))
    expect(m.refs).toContain(body.stdout)
    expect(body.artifacts.map((a) => [a.path, a.type])).toEqual([
      [join(svc, 'config/app.toml'), 'file'],
      [join(svc, 'assets'), 'dir'],
    ])

    await deployV2()
    const beforePreview = await describeTree(svc)
    expect(await provider.preview(component(), m, ctx())).toEqual([
      { kind: 'version', before: 'v2', after: 'v1' },
      { kind: 'action', path: expect.stringMatching(/^run restore command "env \| grep .*" with the captured state on stdin$/) },
      { kind: 'changed', path: join(svc, 'config/app.toml'), before: '0644', after: '0640', sizeBefore: 13, sizeAfter: 12 },
      { kind: 'added', path: join(svc, 'assets/a.txt'), sizeAfter: 8 },
      { kind: 'removed', path: join(svc, 'assets/new.txt'), sizeBefore: 4 },
    ])
    expect(await describeTree(svc)).toEqual(beforePreview)

    expect(await provider.restore(component(), m, ctx())).toEqual({ path: 'command' })
    expect(await provider.current(component(), ctx())).toEqual({ version: 'v1' })
    expect(await readFile(join(svc, 'state/kv.json'), 'utf8')).toBe(KV_V1)
    expect(await describeTree(join(svc, 'config'))).toEqual(config)
    expect(await describeTree(join(svc, 'assets'))).toEqual(assets)

    const input = JSON.parse(await readFile(join(svc, 'restore-input.json'), 'utf8'))
    expect(input).toMatchObject({ app: 'clinic', component: 'edge', version: 'v1', captured: KV_V1 })
    const seen = JSON.parse(await readFile(join(svc, 'restore-seen.json'), 'utf8'))
    expect(seen).toMatchObject([
      { path: join(svc, 'config/app.toml'), existed: true, dir: false, restored: expect.stringMatching(/app\.toml$/) },
      { path: join(svc, 'assets'), existed: true, dir: true },
    ])
    for (const a of seen) expect(existsSync(a.restored)).toBe(false) // the temporary directory is gone
    expect(await readFile(join(svc, 'restore-env.txt'), 'utf8')).toBe(
      'DEPLOY_ENV=test\nLASTGOOD_APP=clinic\nLASTGOOD_COMPONENT=edge\nLASTGOOD_VERSION=v1\n',
    )
  })

  it('current printing nothing is a UserError', async () => {
    await expect(provider.current(component({ current: 'printf "  \\n"' }), ctx())).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && /printed nothing; it must print the version/.test(e.message),
    )
  })

  it('a capture command exiting non-zero is a clear error with its stderr', async () => {
    const capture = 'echo "wrangler: Authentication error [code: 10000]" >&2; exit 3'
    const err = await provider.capture(component({ capture }), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OperationFailedError)
    expect((err as Error).message).toBe(
      `component edge: command ${JSON.stringify(capture)} exited with 3: wrangler: Authentication error [code: 10000]`,
    )
  })

  it('a restore command that hangs times out, and the restored artifacts are still removed', async () => {
    const m = await provider.capture(component(), ctx())
    const restore = 'cat > restore-input.json; echo "terraform: waiting for state lock" >&2; sleep 30'
    const err = await provider.restore(component({ restore, timeoutMs: 400 }), m, ctx()).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/timed out after 400ms: terraform: waiting for state lock/)
    const input = JSON.parse(await readFile(join(svc, 'restore-input.json'), 'utf8'))
    for (const a of input.artifacts) expect(existsSync(a.restored)).toBe(false)
  })

  it('a missing artifact is recorded as absent: preview shows it removed, restore passes restored: null', async () => {
    const absent = join(svc, 'config/override.toml')
    const c = component({ artifacts: [absent], restore: 'cat > restore-input.json' })
    const m = await provider.capture(c, ctx())
    expect((m.body as CommandBody).artifacts).toEqual([{ path: absent, type: 'absent', mode: 0, digest: expect.any(String), entries: [] }])
    await writeFile(absent, 'debug = true\n')
    expect((await provider.preview(c, m, ctx())).filter((x) => x.kind === 'removed')).toEqual([
      { kind: 'removed', path: absent, sizeBefore: 13 },
    ])
    await provider.restore(c, m, ctx())
    const input = JSON.parse(await readFile(join(svc, 'restore-input.json'), 'utf8'))
    expect(input.artifacts).toEqual([{ path: absent, restored: null }])
  })

  it('RELIABILITY case 4: a crafted artifact tree is refused and the restore command never runs', async () => {
    const m = await provider.capture(component(), ctx())
    const body = m.body as CommandBody
    const evil = { ...body.artifacts[1]!, entries: [{ path: '../../../../tmp/evil', type: 'dir', mode: 0o755 }] }
    const forged = { ...m, body: { ...body, artifacts: [evil] } }
    await expect(provider.restore(component(), forged, ctx())).rejects.toBeInstanceOf(IntegrityError)
    expect(existsSync(join(svc, 'restore-env.txt'))).toBe(false)
  })

  it('a damaged captured stdout is refused and the restore command never runs', async () => {
    const m = await provider.capture(component(), ctx())
    blobs.tamper((m.body as CommandBody).stdout, Buffer.from('{"flags":"forged"}'))
    await expect(provider.restore(component(), m, ctx())).rejects.toBeInstanceOf(IntegrityError)
    expect(existsSync(join(svc, 'restore-env.txt'))).toBe(false)
  })
})
